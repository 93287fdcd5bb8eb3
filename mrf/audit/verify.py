"""Walk the stored audit trail along its hash chain (``mrf audit verify``)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditLog
from . import chain


def _lines(session: Session) -> Iterator[chain.ChainLine]:
    query = (select(AuditLog.id, AuditLog.seq, AuditLog.at, AuditLog.agent_id, AuditLog.action,
                    AuditLog.object_type, AuditLog.object_id, AuditLog.details, AuditLog.ip, AuditLog.prev_hash,
                    AuditLog.hash)
             .where(AuditLog.seq.is_not(None)).order_by(AuditLog.seq)
             .execution_options(yield_per=2000))
    for row in session.execute(query):
        yield chain.ChainLine(*row)


def verify(session: Session) -> chain.Verification:
    """The first broken line (unchained lines first), else the number of lines verified."""
    unchained = session.scalar(select(AuditLog.id).where(AuditLog.seq.is_(None)).order_by(AuditLog.id).limit(1))
    if unchained is not None:
        return chain.Verification(0, unchained, "ligne non chaînée (écrite hors de l'application)")
    return chain.verify(_lines(session))
