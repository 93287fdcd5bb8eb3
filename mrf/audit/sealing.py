"""Seal new audit lines: position, link and hash; a line without agent written by a command gets the CLI actor.

SQLite: writers are already serialised (one write lock for the whole database), so each line is chained
at flush, in its own transaction. PostgreSQL: a line is appended without waiting for anyone: at flush it
gets only its own digest (``pending_hash``, no position); after the commit, a short chaining step, under
a transaction-scoped advisory lock, gives every committed pending line its place in the chain, in id
order (``chain_pending``; skipped when another step holds the lock: that one or the next takes the line;
``mrf audit verify`` runs it first, waiting for the lock). Appends no longer queue behind each
other's commits; the window in which a line is not yet chained is documented in docs/security.md.
The unique ``seq`` forbids a fork on both databases."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click
from flask import has_request_context
from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import Session

from ..models import AuditLog
from . import actor, chain

# Arbitrary constant naming "the audit chain" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x4D52_4641  # "MRFA"
_PENDING = "mrf_audit_pending"  # session.info key: this transaction appended lines to chain after commit
_log = logging.getLogger(__name__)


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


def _normalise(entry: AuditLog) -> None:
    at = entry.at or datetime.now(UTC)
    entry.at = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
    if entry.details is None:
        entry.details = {}


def pending_hash(line: AuditLog | chain.ChainLine) -> str:
    """A line's own digest before it is chained (position 0, no previous line): what the chaining step
    checks, so that a line written or changed behind the application is never chained."""
    return chain.line_hash(0, line.at, line.agent_id, line.action, line.object_type, line.object_id,
                           line.details, line.ip, "")


def seal(session: Session, entries: list[AuditLog]) -> None:
    """Give each new line its place in the chain (in the order they were added); on PostgreSQL only its
    own digest, the chain coming after the commit (``chain_pending``)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for entry in entries:
            _normalise(entry)
            entry.hash = pending_hash(entry)
        session.info[_PENDING] = True
        return
    last = connection.execute(select(AuditLog.seq, AuditLog.hash).where(AuditLog.seq.is_not(None))
                              .order_by(AuditLog.seq.desc()).limit(1)).first()
    seq, prev = (last.seq, last.hash) if last is not None else (0, chain.GENESIS)
    for entry in entries:
        _normalise(entry)
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = chain.line_hash(seq, entry.at, entry.agent_id, entry.action, entry.object_type,
                                     entry.object_id, entry.details, entry.ip, prev)
        prev = entry.hash


_COLUMNS = (AuditLog.id, AuditLog.seq, AuditLog.at, AuditLog.agent_id, AuditLog.action, AuditLog.object_type,
            AuditLog.object_id, AuditLog.details, AuditLog.ip, AuditLog.prev_hash, AuditLog.hash)


def chain_pending(connection: Connection, wait: bool = True) -> int:
    """PostgreSQL: chain the committed lines not yet chained, in id order, in the caller's transaction
    (short: two reads, one UPDATE); returns how many. Without ``wait``, nothing is done when another
    chaining step holds the lock (it, or the next one, takes these lines). A pending line whose digest does
    not match its content (written or changed behind the application) is left out: verify names it."""
    if connection.dialect.name != "postgresql":
        return 0  # SQLite chains at flush
    # The chain is derived from the lines' own digests, already committed: if a crash lost this step, the
    # lines would be pending again and chained by the next one. So its commit does not wait for the disk,
    # and the lock is held for a few milliseconds only (WAL order keeps a later durable commit after it).
    lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    got = connection.execute(text(f"SELECT set_config('synchronous_commit', 'off', true), {lock}(:key)"),
                             {"key": ADVISORY_LOCK_KEY}).one()[1]
    if got is False:
        return 0
    pending = [chain.ChainLine(*row) for row in connection.execute(
        select(*_COLUMNS).where(AuditLog.seq.is_(None)).order_by(AuditLog.id))]
    if not pending:
        return 0
    last = connection.execute(select(AuditLog.seq, AuditLog.hash).where(AuditLog.seq.is_not(None))
                              .order_by(AuditLog.seq.desc()).limit(1)).first()
    seq, prev = (last.seq, last.hash) if last is not None else (0, chain.GENESIS)
    ids, seqs, prevs, hashes = [], [], [], []
    for line in pending:
        if line.hash != pending_hash(line):
            continue
        seq += 1
        digest = chain.line_hash(seq, line.at, line.agent_id, line.action, line.object_type, line.object_id,
                                 line.details, line.ip, prev)
        ids.append(line.id)
        seqs.append(seq)
        prevs.append(prev)
        hashes.append(digest)
        prev = digest
    if ids:  # one statement for all of them
        connection.execute(text(
            "UPDATE audit_log AS a SET seq = v.seq, prev_hash = v.prev, hash = v.h "
            "FROM unnest(CAST(:ids AS bigint[]), CAST(:seqs AS bigint[]), CAST(:prevs AS text[]), "
            "CAST(:hashes AS text[])) AS v(id, seq, prev, h) WHERE a.id = v.id AND a.seq IS NULL"),
            {"ids": ids, "seqs": seqs, "prevs": prevs, "hashes": hashes})
    return len(ids)


def _after_commit(session: Session) -> None:
    if not session.info.pop(_PENDING, False):
        return
    bind = session.get_bind()
    try:
        with bind.engine.connect() as connection, connection.begin():
            chain_pending(connection, wait=False)
    except Exception:  # noqa: BLE001 - the line is committed; the next chaining step (or verify) takes it
        _log.warning("Chaînage du journal d'audit reporté", exc_info=True)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _before_flush(session: Session, _context, _instances) -> None:  # noqa: ANN001
    entries = [obj for obj in session.new if isinstance(obj, AuditLog) and obj.hash is None]
    if not entries:
        return
    with session.no_autoflush:
        _stamp_cli_actor(session, entries)
        seal(session, entries)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    for name, listener in (("before_flush", _before_flush), ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
