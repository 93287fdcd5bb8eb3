"""Triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on ``audit_log``.

Someone with rights on the database can still drop them: the hash chain is what makes such a change
visible (``mrf audit verify``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

# The one UPDATE allowed: the chaining of a line appended without its place (mrf.audit.sealing): seq,
# prev_hash and hash set on a line that had no seq, every other column unchanged.
PG_FUNCTION = """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
           AND NEW.id = OLD.id AND NEW.at IS NOT DISTINCT FROM OLD.at
           AND NEW.agent_id IS NOT DISTINCT FROM OLD.agent_id AND NEW.action IS NOT DISTINCT FROM OLD.action
           AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
           AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
           AND NEW.details::text IS NOT DISTINCT FROM OLD.details::text AND NEW.ip IS NOT DISTINCT FROM OLD.ip THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Journal d''audit en ajout seul : % refusé', TG_OP;
    END $$"""
_PG_INSTALL = (
    PG_FUNCTION,
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)
_PG_REMOVE = (
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
)
_SQLITE_INSTALL = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'Journal d''audit en ajout seul : modification refusée'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'Journal d''audit en ajout seul : suppression refusée'); END",
)
_SQLITE_REMOVE = ("DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete")


def install(conn: Connection) -> None:
    for statement in _PG_INSTALL if conn.dialect.name == "postgresql" else _SQLITE_INSTALL:
        conn.execute(text(statement))


def remove(conn: Connection) -> None:
    for statement in _PG_REMOVE if conn.dialect.name == "postgresql" else _SQLITE_REMOVE:
        conn.execute(text(statement))


@contextmanager
def suspended(conn: Connection) -> Iterator[None]:
    """Maintenance only (test fixtures wiping the database): triggers off, then back, in one transaction."""
    remove(conn)
    yield
    install(conn)
