"""Changing a créance's reste à recouvrer: the one writer, shared by payments and debtors' requests."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import Creance, CreanceEvent
from ..comptes.vocabulaire import StatutCreance


def set_rar(session: Session, c: Creance, after: int, kind: str, agent_id: int | None) -> None:
    """Set ``c.rar_cents`` to ``after``, settle or reopen it, and record a ``CreanceEvent`` of ``kind``."""
    before = int(c.rar_cents)
    changes: dict[str, list] = {"rar_cents": [before, after]}
    if after == 0 and c.status == StatutCreance.EN_COURS:
        changes["status"] = [c.status, StatutCreance.SOLDEE]
        c.status = StatutCreance.SOLDEE
    elif after > 0 and c.status == StatutCreance.SOLDEE:
        changes["status"] = [c.status, StatutCreance.EN_COURS]
        c.status = StatutCreance.EN_COURS
    c.rar_cents = after
    session.add(CreanceEvent(creance_id=c.id, kind=kind, agent_id=agent_id, rar_before_cents=before,
                             rar_after_cents=after, changes=changes))
