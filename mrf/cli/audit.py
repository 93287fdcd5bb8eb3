"""``mrf audit``: check the audit trail's hash chain."""

from __future__ import annotations

import sys

import click
from flask.cli import ScriptInfo, with_appcontext


def check_cli_actor(ctx: click.Context, as_login: str | None) -> None:
    """``mrf --as LOGIN``: remembered for the audit trail, refused at once if no active agent has it."""
    from ..audit import actor
    from ..extensions import db

    actor.request_login(as_login)
    if not as_login:
        return
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context(), db.new_session() as session:
        try:
            actor.resolve(session)
        except actor.UnknownActor as exc:
            raise click.UsageError(str(exc)) from exc


@click.group("audit")
def audit() -> None:
    """Journal d'audit."""


@audit.command("verify")
@with_appcontext
def verify() -> None:
    """Vérifie la chaîne d'empreintes du journal d'audit ; nomme la première ligne altérée."""
    from ..audit import verify as chain_verify
    from ..extensions import db

    with db.new_session() as session:
        result = chain_verify.verify(session)
    if not result.ok:
        click.echo(f"Journal d'audit altéré : ligne n° {result.broken_id} — {result.reason} "
                   f"({result.verified} ligne(s) intègre(s) avant elle).", err=True)
        sys.exit(1)
    click.echo(f"Journal d'audit intègre : {result.verified} ligne(s) vérifiée(s). "
               f"Dernière empreinte : {result.last_hash}")


COMMANDS = (audit,)
