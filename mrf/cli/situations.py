"""``mrf situation add|list``: the debtor's situations that suspend or stop poursuites.

A refusal (unknown account or kind, date in the future…) exits with status 2 and a French message."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from poursuites.model import date_fr

from ..services.poursuites import situations as service
from .poursuites import _account_id, _date


@click.group("situation")
def situation() -> None:
    """Situations du redevable : surendettement, rétablissement personnel, procédure collective, décès."""


@situation.command("add")
@click.argument("redevable_id")
@click.option("--kind", "kind", required=True, type=click.Choice(service.KINDS), help="Nature de la situation.")
@click.option("--date", "on", required=True, help="Date (recevabilité, jugement, décès) : JJ/MM/AAAA.")
@click.option("--reference", default="", help="Référence du dossier ou du jugement.")
@click.option("--fin", default=None, help="Date de fin, si connue (JJ/MM/AAAA).")
@click.option("--source", default="agent", show_default=True, help="Origine de l'information.")
@with_appcontext
def add(redevable_id: str, kind: str, on: str, reference: str, fin: str | None, source: str) -> None:
    """Enregistre une situation sur le compte consolidé REDEVABLE_ID."""
    row = service.add_situation(_account_id(redevable_id), kind, _date(on), reference, source=source,
                                ended_on=_date(fin) if fin else None)
    click.echo(f"Situation n° {row.id} enregistrée : {service.libelle(kind)} le {date_fr(row.started_on)}"
               + (f", réf. {row.reference}" if row.reference else "") + ".")


@situation.command("list")
@click.argument("redevable_id")
@with_appcontext
def list_(redevable_id: str) -> None:
    """Situations en vigueur du compte consolidé REDEVABLE_ID."""
    rows = service.situations_of(_account_id(redevable_id))
    if not rows:
        click.echo("Aucune situation enregistrée.")
    for r in rows:
        fin = f" au {date_fr(r.ended_on)}" if r.ended_on else ""
        click.echo(f"{r.id}\t{service.libelle(r.kind)}\tdu {date_fr(r.started_on)}{fin}\t{r.reference}\t{r.source}")


COMMANDS = (situation,)
