"""``mrf match``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..jobs.verrou import exclusif
from ..services.identite.rapprochement import run_batch


@click.command("match")
@click.option("--quiet", is_flag=True, help="Sans suivi de progression.")
@with_appcontext
def match(quiet: bool) -> None:
    """Rapproche tous les enregistrements sources et met à jour les comptes consolidés (identifiants stables)."""
    say = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
    with exclusif("rapprochement"):  # two matchings never overlap (nor a matching and an attach)
        report = run_batch(say=say)
    click.echo(report.summary())


COMMANDS = (match,)
