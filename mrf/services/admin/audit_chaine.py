"""The state of the audit trail's hash chain, for the administrators' page: ``mrf.audit.verify`` (the
same check as ``mrf audit verify``) and, when a line is broken, what that line says, so that a person can
find it in the journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit import verify as chain_verify
from ...models import Agent, AuditLog
from .audit import ACTION_LABELS


@dataclass(frozen=True)
class EtatChaine:
    intact: bool
    verified: int  # lines checked and found sound (before the broken one, if any)
    total: int
    last_hash: str
    broken_id: int | None = None
    reason: str = ""
    broken_at: datetime | None = None
    broken_action: str = ""
    broken_login: str | None = None


def etat(session: Session) -> EtatChaine:
    """Verify the whole chain now (read-only) and describe the first broken line, if any."""
    result = chain_verify.verify(session)
    total = session.scalar(select(func.count()).select_from(AuditLog)) or 0
    if result.ok:
        return EtatChaine(True, result.verified, total, result.last_hash)
    row = session.execute(select(AuditLog.at, AuditLog.action, Agent.login)
                          .outerjoin(Agent, Agent.id == AuditLog.agent_id)
                          .where(AuditLog.id == result.broken_id)).first()
    at, action, login = row if row is not None else (None, "", None)
    return EtatChaine(False, result.verified, total, result.last_hash, result.broken_id, result.reason, at,
                      ACTION_LABELS.get(action, action), login)
