"""Seal new audit lines at flush: position, link and hash, appends serialised across connections.

PostgreSQL: a transaction-scoped advisory lock serialises writers from the read of the last line to
commit. SQLite: writers are already serialised (one write lock); the unique ``seq`` forbids a fork
on both. Outside a web request inside a command, a line without agent gets the CLI actor."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import has_request_context
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from ..models import AuditLog
from . import actor, chain

# Arbitrary constant naming "the audit chain" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x4D52_4641  # "MRFA"


def _stamp_cli_actor(session: Session, entries: list[AuditLog]) -> None:
    if has_request_context() or click.get_current_context(silent=True) is None:
        return
    anonymous = [e for e in entries if e.agent_id is None]
    if not anonymous:
        return
    who = actor.resolve(session)
    for entry in anonymous:
        entry.agent_id = who.agent_id
        entry.details = {**who.details(), **(entry.details or {})}  # the action's own keys win


def seal(session: Session, entries: list[AuditLog]) -> None:
    """Give each new line its place in the chain (in the order they were added)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    last = connection.execute(select(AuditLog.seq, AuditLog.hash).where(AuditLog.seq.is_not(None))
                              .order_by(AuditLog.seq.desc()).limit(1)).first()
    seq, prev = (last.seq, last.hash) if last is not None else (0, chain.GENESIS)
    for entry in entries:
        at = entry.at or datetime.now(UTC)
        entry.at = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
        if entry.details is None:
            entry.details = {}
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = chain.line_hash(seq, entry.at, entry.agent_id, entry.action, entry.object_type,
                                     entry.object_id, entry.details, entry.ip, prev)
        prev = entry.hash


def _before_flush(session: Session, _context, _instances) -> None:  # noqa: ANN001
    entries = [obj for obj in session.new if isinstance(obj, AuditLog) and obj.hash is None]
    if not entries:
        return
    with session.no_autoflush:
        _stamp_cli_actor(session, entries)
        seal(session, entries)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
