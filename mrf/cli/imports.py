"""``mrf import SOURCE FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..ingest.formats import Source
from ..ingest.loader import import_file
from ..ingest.reader import FileRefused


@click.command("import")
@click.argument("source", type=click.Choice([s.value for s in Source]))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--rejects", type=click.Path(path_type=Path), default=None,
              help="Fichier CSV des lignes rejetées (défaut : FICHIER.rejets.csv).")
@with_appcontext
def import_command(source: str, file: Path, rejects: Path | None) -> None:
    """Importe un extrait SOURCE (impots, amendes, secteur_local) ; une transaction par fichier."""
    try:
        report = import_file(source, file, rejects_path=rejects,
                             progress=lambda n: click.echo(f"\r{n} lignes traitées…", nl=False, err=True))
    except FileRefused as exc:
        click.echo(f"Fichier refusé, rien n'a été importé. {exc}", err=True)
        sys.exit(2)
    click.echo("", err=True)
    click.echo(report.summary())
    from ..services.identite import hooks as matching_hooks

    attached = matching_hooks.after_import(report.new_record_ids)  # and the work lists brought up to date
    if attached:
        click.echo(attached)


COMMANDS = (import_command,)
