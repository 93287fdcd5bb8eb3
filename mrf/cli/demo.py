"""``mrf demo``."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import schema
from ..demo.run import run_demo


@click.command("demo")
@click.option("--persons", default=2000, show_default=True, type=click.IntRange(1, 5_000_000),
              help="Nombre de personnes de la population générée.")
@click.option("--seed", default=1, show_default=True, type=int, help="Graine : même graine, même population.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Dossier des fichiers générés (défaut : instance/demo).")
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 60),
              help="Mois simulés après la publication des panels (évaluation à vérité connue).")
@with_appcontext
def demo(persons: int, seed: int, out_dir: Path | None, months: int) -> None:
    """Crée le schéma, génère une population de démonstration (89, 43, 58, 06) et l'importe."""
    started = time.monotonic()
    schema.upgrade(current_app.config["DATABASE_URL"])
    out_dir = out_dir or Path(current_app.instance_path) / "demo"
    out_dir.mkdir(parents=True, exist_ok=True)
    run_demo(persons, seed, out_dir, click.echo, months=months, instance_dir=Path(current_app.instance_path))
    click.echo(f"Démonstration prête en {time.monotonic() - started:.0f} s.")


COMMANDS = (demo,)
