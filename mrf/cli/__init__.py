"""The ``mrf`` command (also ``flask --app mrf``): one module per area."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    from . import accounts, audit, demo, imports, matching, panels, poursuites, setup, users

    for module in (setup, imports, demo, accounts, matching, panels, poursuites, users, audit):
        for command in module.COMMANDS:
            app.cli.add_command(command)


def _create_app() -> Flask:
    from .. import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
@click.option("--as", "as_login", default=None, envvar="MRF_AS", metavar="IDENTIFIANT",
              help="Agent au nom duquel agir (journal d'audit) ; par défaut l'utilisateur du système.")
@click.pass_context
def main(ctx: click.Context, as_login: str | None) -> None:
    """MRF — recouvrement forcé mutualisé : compte consolidé et poursuites coordonnées."""
    from .audit import check_cli_actor

    check_cli_actor(ctx, as_login)
