"""The ``mrf`` command (also ``flask --app mrf``): one module per area.

A service's refusal (``mrf.services.errors.ErreurService``) is mapped here, once, for every command:
its French message on stderr, exit status 2."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup

# The console script (``main`` below) builds the application with its factory. This is safe at the
# top: ``mrf`` imports ``mrf.cli`` only inside ``create_app`` (at call time, never while ``mrf`` is
# half initialised). The two stay mutually dependent by design — the application carries its
# commands (``flask --app mrf``, ``app.test_cli_runner()`` in tests) and the ``mrf`` script starts
# that application; cutting the loop would mean moving the entry point ``mrf.cli:main`` that
# pyproject.toml, the tests and the benchmarks name.
from .. import create_app


def register_commands(app: Flask) -> None:
    from . import (
        accounts,
        audit,
        commissaires,
        decisions,
        demo,
        evaluation,
        imports,
        jobs,
        matching,
        panels,
        poursuites,
        setup,
        situations,
        users,
    )

    for module in (setup, imports, demo, accounts, matching, panels, poursuites, situations, decisions, users, audit,
                   commissaires, evaluation, jobs):
        for command in module.COMMANDS:
            _map_refusals(command)
            app.cli.add_command(command)


def _map_refusals(command: click.Command) -> None:
    """Wrap ``command`` (and a group's subcommands): a service's refusal exits 2 with its message."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _map_refusals(sub)
    if command.callback is not None and not getattr(command.callback, "maps_refusals", False):
        command.callback = _refusals_exit_2(command.callback)


def _refusals_exit_2(callback: Callable[..., Any]) -> Callable[..., Any]:
    from ..services.errors import ErreurService

    @functools.wraps(callback)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except ErreurService as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)

    wrapped.maps_refusals = True  # type: ignore[attr-defined]
    return wrapped


def _create_app() -> Flask:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
@click.option("--as", "as_login", default=None, envvar="MRF_AS", metavar="IDENTIFIANT",
              help="Agent au nom duquel agir (journal d'audit) ; par défaut l'utilisateur du système.")
@click.pass_context
def main(ctx: click.Context, as_login: str | None) -> None:
    """MRF — recouvrement forcé mutualisé : compte consolidé et poursuites coordonnées."""
    from .audit import check_cli_actor
    from .schema_check import require_schema

    require_schema(ctx)
    check_cli_actor(ctx, as_login)
