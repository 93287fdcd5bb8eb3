"""Walk the stored audit trail along its hash chain (``mrf audit verify``)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditLog
from . import chain, sealing


def _lines(session: Session, chained: bool = True) -> Iterator[chain.ChainLine]:
    query = (select(AuditLog.id, AuditLog.seq, AuditLog.at, AuditLog.agent_id, AuditLog.action,
                    AuditLog.object_type, AuditLog.object_id, AuditLog.details, AuditLog.ip, AuditLog.prev_hash,
                    AuditLog.hash)
             .where(AuditLog.seq.is_not(None) if chained else AuditLog.seq.is_(None))
             .order_by(AuditLog.seq if chained else AuditLog.id)
             .execution_options(yield_per=2000))
    for row in session.execute(query):
        yield chain.ChainLine(*row)


def verify(session: Session) -> chain.Verification:
    """The first broken line (unchained lines first), else the number of lines verified. On PostgreSQL the
    lines waiting to be chained are chained first; one committed since then, with its own digest intact,
    is not a break (the next chaining takes it)."""
    with session.get_bind().engine.connect() as connection, connection.begin():
        sealing.chain_pending(connection)
        deferred = connection.dialect.name == "postgresql"  # SQLite chains every line at flush
    for line in _lines(session, chained=False):
        if line.hash is None or not deferred:
            return chain.Verification(0, line.id, "ligne non chaînée (écrite hors de l'application)")
        if line.hash != sealing.pending_hash(line):
            return chain.Verification(0, line.id, "ligne non chaînée dont le contenu a été modifié")
    return chain.verify(_lines(session))
