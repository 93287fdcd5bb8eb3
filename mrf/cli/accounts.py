"""``mrf accounts list``."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from poursuites.model import euros

from ..services.admin import lectures
from ..services.comptes.liste import AccountQueryError, list_accounts


@click.group("accounts")
def accounts() -> None:
    """Comptes consolidés (redevables)."""


@accounts.command("list")
@click.option("--products", default="", help="Produits détenus, séparés par des virgules (impots,amendes,…).")
@click.option("--structure", "structure_code", default=None, help="Code de la structure.")
@click.option("--limit", type=click.IntRange(min=1), default=None)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def accounts_list(products: str, structure_code: str | None, limit: int | None, as_json: bool) -> None:
    """Liste les comptes consolidés détenant tous les produits demandés, du plus gros dû au plus petit."""
    wanted = [p.strip() for p in products.split(",") if p.strip()]
    try:
        rows = list_accounts(wanted, structure_code, limit)
    except AccountQueryError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    lectures.en_ligne_de_commande("consultation_liste_comptes", "comptes", None,
                                  {"products": wanted, "structure": structure_code, "limit": limit,
                                   "nombre": len(rows), "comptes": [row["id"] for row in rows]})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['id']:>10}  {'+'.join(row['products']):<32} {euros(row['total_due_cents']):>16}")
    click.echo(f"{len(rows)} compte(s).")


COMMANDS = (accounts,)
