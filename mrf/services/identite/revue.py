"""The review queue of uncertain identity matches (central administration).

A pair is waiting when its latest scoring (the pair of the most recent run for those two records) has
status ``review`` (probability in the review band, or a lien the engine may not make alone) or ``split``
(linked, then separated because its group held a contradiction), and the latest human decision on those
two records, if any, is older than that run or was undone. A decision is a new ``ReviewDecision`` row
(append-only; the latest wins), applied at once to the accounts (``application``) and audited; an undo is
a new row ``annulee`` that puts the pair back in the queue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from ...extensions import db
from ...models import MatchPair, MatchRun, RecordLink, ReviewDecision, SourceRecord
from ..admin import audit
from ..errors import Introuvable, Refus
from . import application

DECISIONS = {"same": "Même personne", "different": "Personnes différentes"}
UNDONE = "annulee"
QUEUED_STATUSES = ("review", "split")
PER_PAGE = 20


class ReviewError(Refus):
    """A refused decision (French message)."""


@dataclass
class PendingPair:
    pair: MatchPair
    left: SourceRecord
    right: SourceRecord


def _latest_decision():  # noqa: ANN202
    """Latest decision per pair of records (id, decision, time)."""
    last = (select(ReviewDecision.left_record_id.label("l"), ReviewDecision.right_record_id.label("r"),
                   func.max(ReviewDecision.id).label("id"))
            .group_by(ReviewDecision.left_record_id, ReviewDecision.right_record_id).subquery())
    return (select(ReviewDecision).join(last, ReviewDecision.id == last.c.id)).subquery("latest")


def _pending_query():  # noqa: ANN202
    newer = aliased(MatchPair)
    latest = _latest_decision()
    decided = exists().where(
        latest.c.left_record_id == MatchPair.left_record_id,
        latest.c.right_record_id == MatchPair.right_record_id,
        latest.c.decision != UNDONE,
        latest.c.decided_at >= MatchRun.started_at)
    return (select(MatchPair)
            .join(MatchRun, MatchRun.id == MatchPair.run_id)
            .where(MatchPair.status.in_(QUEUED_STATUSES), ~decided,
                   ~exists().where(and_(newer.left_record_id == MatchPair.left_record_id,
                                        newer.right_record_id == MatchPair.right_record_id,
                                        newer.run_id > MatchPair.run_id))))


def pending_count(session: Session) -> int:
    """Pairs waiting for a decision: the one count shown everywhere (page, CLI, demo)."""
    return int(session.scalar(select(func.count()).select_from(_pending_query().subquery())) or 0)


def pending(session: Session, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[PendingPair], int]:
    total = pending_count(session)
    pairs = list(session.scalars(_pending_query().order_by(MatchPair.probability.desc(), MatchPair.id)
                                 .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    ids = {p.left_record_id for p in pairs} | {p.right_record_id for p in pairs}
    records = {r.id: r for r in session.scalars(select(SourceRecord).where(SourceRecord.id.in_(ids)))} if ids else {}
    return [PendingPair(p, records[p.left_record_id], records[p.right_record_id]) for p in pairs
            if p.left_record_id in records and p.right_record_id in records], total


def recent_decisions(session: Session, limit: int = 10) -> list[ReviewDecision]:
    """The latest decisions still in force (not undone), newest first: what can be undone."""
    latest = _latest_decision()
    return list(session.scalars(select(ReviewDecision).join(latest, latest.c.id == ReviewDecision.id)
                                .where(ReviewDecision.decision != UNDONE)
                                .order_by(ReviewDecision.id.desc()).limit(limit)))


def decide(pair_id: int, decision: str, comment: str | None, agent_id: int | None, ip: str | None = None) -> int:
    """Record a decision on a pair waiting for review and apply it at once; returns the decision's id."""
    if decision not in DECISIONS:
        raise ReviewError("Décision inconnue : choisissez « même personne » ou « personnes différentes ».")
    with db.transaction() as session:
        pair = session.get(MatchPair, pair_id)
        if pair is None:
            raise Introuvable("Paire inconnue.")
        if pair.status not in QUEUED_STATUSES:
            raise ReviewError("Cette paire n'a jamais été proposée à la revue : aucune décision ne peut y être prise.")
        if not session.scalar(select(func.count()).select_from(
                _pending_query().where(MatchPair.id == pair_id).subquery())):
            raise ReviewError("Cette paire a déjà été décidée (ou un rapprochement plus récent l'a renotée) : "
                              "annulez la décision précédente pour la revoir.")
        row = ReviewDecision(left_record_id=pair.left_record_id, right_record_id=pair.right_record_id,
                             decision=decision, comment=(comment or "").strip()[:2000] or None, agent_id=agent_id)
        session.add(row)
        session.flush()
        audit.add(session, agent_id, "revue", "match_pair", pair.id,
                  {"decision": decision, "left_record_id": pair.left_record_id,
                   "right_record_id": pair.right_record_id, "probability": pair.probability}, ip)
        application.apply(session, row.id, pair.left_record_id, pair.right_record_id, decision == "same",
                          agent_id, ip)
        return row.id


def undo(decision_id: int, agent_id: int | None, ip: str | None = None) -> int:
    """Undo a decision still in force: a new ``annulee`` record, the accounts put back; returns its id."""
    with db.transaction() as session:
        row = session.get(ReviewDecision, decision_id)
        if row is None:
            raise Introuvable("Décision inconnue.")
        latest = session.scalar(select(func.max(ReviewDecision.id)).where(
            ReviewDecision.left_record_id == row.left_record_id, ReviewDecision.right_record_id == row.right_record_id))
        if row.decision == UNDONE or latest != row.id:
            raise ReviewError("Seule la dernière décision d'une paire, non encore annulée, peut être annulée.")
        undone = ReviewDecision(left_record_id=row.left_record_id, right_record_id=row.right_record_id,
                                decision=UNDONE, comment=f"Annulation de la décision n° {row.id}", agent_id=agent_id)
        session.add(undone)
        session.flush()
        back = application.undo(session, row.id)
        audit.add(session, agent_id, "revue_annulee", "review_decision", row.id,
                  {"annulation": undone.id, "decision": row.decision, **back}, ip)
        return undone.id


@dataclass(frozen=True)
class PairView:
    """A waiting pair as the page shows it: both records field by field, the reason, both accounts."""

    pair: MatchPair
    left: SourceRecord
    right: SourceRecord
    lignes: list
    motif: str
    left_account: int | None
    right_account: int | None
    differences: int


def page(session: Session, number: int = 1) -> tuple[list[PairView], int]:
    """A page of the queue, ready for the template; and the number of pairs waiting."""
    from ..comptes import famille
    from . import motifs
    from .rapprochement import latest_model

    pairs, total = pending(session, number)
    model = latest_model(session)
    accept = model.settings.accept if model is not None else None
    ids = {p.left.id for p in pairs} | {p.right.id for p in pairs}
    query = select(RecordLink.source_record_id, RecordLink.redevable_id).where(RecordLink.source_record_id.in_(ids))
    links: dict[int, int] = {int(r): int(a) for r, a in session.execute(query)} if ids else {}
    roots = famille.roots_of(session, set(links.values())) if links else {}
    views = []
    for p in pairs:
        lignes = motifs.comparaison(p.left, p.right)
        left_acc, right_acc = links.get(p.left.id), links.get(p.right.id)
        views.append(PairView(p.pair, p.left, p.right, lignes, motifs.motif(p.pair, accept),
                              roots.get(left_acc, left_acc), roots.get(right_acc, right_acc),
                              sum(1 for x in lignes if x.different)))
    return views, total
