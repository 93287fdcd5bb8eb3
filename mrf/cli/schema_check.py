"""Before a command reads or writes the database: is there one, with the schema? A wrong
``MRF_INSTANCE_PATH`` or ``MRF_DATABASE_URL`` must be said plainly, not answered with a traceback
(``no such table``). (Flask loads the application to list the commands, so an empty SQLite file may
already exist at that point: it is then "without schema", and ``mrf init-db`` fills it.)"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import ScriptInfo
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

#: Commands that create the schema, or need no database.
WITHOUT_SCHEMA = frozenset({"init-db", "demo"})


def missing_schema(url: str) -> str | None:
    """Why the database at ``url`` cannot be used yet (French), or None."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_file():
            return f"Base de données introuvable : {path}."
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return "La base de données n'a pas de schéma MRF."
    except Exception as exc:  # noqa: BLE001 - any failure to reach it is the user's to fix, in words
        return f"Base de données injoignable ({type(exc).__name__})."
    finally:
        engine.dispose()
    return None


def require_schema(ctx: click.Context) -> None:
    """Exit 2 with the reason and the remedy when the command needs a schema the database lacks."""
    if ctx.invoked_subcommand in WITHOUT_SCHEMA or ctx.invoked_subcommand is None or ctx.resilient_parsing:
        return
    if any(arg in ("--help", "-h") for arg in sys.argv[1:]):
        return
    app = ctx.ensure_object(ScriptInfo).load_app()
    why = missing_schema(app.config["DATABASE_URL"])
    if why is not None:
        click.echo(f"{why} Vérifiez MRF_INSTANCE_PATH ({app.instance_path}) ou MRF_DATABASE_URL, "
                   "puis créez le schéma avec « mrf init-db » (ou « mrf demo »).", err=True)
        ctx.exit(2)
