"""The review queue of uncertain identity matches (central administration).

A pair is waiting when its latest scoring (the pair of the most recent run for those two
records) has status ``review`` and no human decision was taken on those two records since that
run started. A decision is a new ``ReviewDecision`` row (append-only; the latest wins); the matching
service applies it on its next run."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from ...extensions import db
from ...models import MatchPair, MatchRun, ReviewDecision, SourceRecord
from ..admin import audit
from ..errors import Refus

DECISIONS = {"same": "Même personne", "different": "Personnes différentes"}


class ReviewError(Refus):
    """A refused decision (French message)."""


@dataclass
class PendingPair:
    pair: MatchPair
    left: SourceRecord
    right: SourceRecord


def _pending_query():  # noqa: ANN202
    newer = aliased(MatchPair)
    decided = exists().where(
        ReviewDecision.left_record_id == MatchPair.left_record_id,
        ReviewDecision.right_record_id == MatchPair.right_record_id,
        ReviewDecision.decided_at >= MatchRun.started_at)
    return (select(MatchPair)
            .join(MatchRun, MatchRun.id == MatchPair.run_id)
            .where(MatchPair.status == "review", ~decided,
                   ~exists().where(and_(newer.left_record_id == MatchPair.left_record_id,
                                        newer.right_record_id == MatchPair.right_record_id,
                                        newer.run_id > MatchPair.run_id))))


def pending(session: Session, page: int = 1, per_page: int = 20) -> tuple[list[PendingPair], int]:
    total = session.scalar(select(func.count()).select_from(_pending_query().subquery())) or 0
    pairs = list(session.scalars(_pending_query().order_by(MatchPair.probability.desc(), MatchPair.id)
                                 .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    ids = {p.left_record_id for p in pairs} | {p.right_record_id for p in pairs}
    records = {r.id: r for r in session.scalars(select(SourceRecord).where(SourceRecord.id.in_(ids)))} if ids else {}
    return [PendingPair(p, records[p.left_record_id], records[p.right_record_id]) for p in pairs
            if p.left_record_id in records and p.right_record_id in records], int(total)


def decide(pair_id: int, decision: str, comment: str | None, agent_id: int | None, ip: str | None = None) -> int:
    """Record a decision on a pair waiting for review; returns the decision's id."""
    if decision not in DECISIONS:
        raise ReviewError("Décision inconnue : choisissez « même personne » ou « personnes différentes ».")
    with db.transaction() as session:
        pair = session.get(MatchPair, pair_id)
        if pair is None:
            raise LookupError("Paire inconnue.")
        row = ReviewDecision(left_record_id=pair.left_record_id, right_record_id=pair.right_record_id,
                             decision=decision, comment=(comment or "").strip() or None, agent_id=agent_id)
        session.add(row)
        session.flush()
        audit.add(session, agent_id, "revue", "match_pair", pair.id,
                  {"decision": decision, "left_record_id": pair.left_record_id,
                   "right_record_id": pair.right_record_id, "probability": pair.probability}, ip)
        return row.id
