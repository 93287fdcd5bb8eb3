"""Schema, reference data, statistics and the web server."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import schema
from ..services.admin import structures as structure_service
from ..services.pilotage import stats as stats_service


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Crée ou met à jour le schéma de la base (migrations Alembic)."""
    schema.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Schéma de la base à jour.")


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def stats(as_json: bool) -> None:
    """Compte les enregistrements sources, créances et redevables."""
    figures = stats_service.counts()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    for source, n in figures["source_records"].items():
        click.echo(f"Enregistrements {source} : {n}")
    for product, n in figures["creances"].items():
        click.echo(f"Créances {product} : {n}")
    click.echo(f"Redevables (comptes consolidés) : {figures['redevables']}")


@click.group("structures")
def structures() -> None:
    """Postes comptables."""


@structures.command("list")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def structures_list(as_json: bool) -> None:
    """Liste les structures."""
    rows = structure_service.list_structures()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['code']:<20} {row['type']:<20} {row['departement']:<4} {row['name']}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """Sert l'application web (serveur WSGI waitress)."""
    from waitress import serve as waitress_serve

    click.echo(f"Application MRF servie sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    waitress_serve(current_app._get_current_object(), host=host, port=port, threads=threads)  # noqa: SLF001


COMMANDS = (init_db, stats, structures, serve)
