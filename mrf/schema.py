"""Create or upgrade the database schema with Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    from .security.files import private_sqlite_file

    private_sqlite_file(url)  # created owner-only before Alembic's engine creates it world-readable
    command.upgrade(alembic_config(url), revision)


def make_revision(url: str, message: str) -> None:
    """Developer helper: autogenerate a migration from the models' differences."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
