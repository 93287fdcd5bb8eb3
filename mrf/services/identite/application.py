"""A review decision applied at once to the accounts it touches (no batch run needed), and undone.

- « même personne »: the two accounts become one — the younger points to the older
  (``merged_into_id``) and its records' links move to the older, as a batch run would do;
- « personnes différentes » on two records of one account: that account's records are re-clustered
  by the matching library with the stored model and every human decision on them (the incremental
  matcher re-clusters what it touches); the cluster holding the oldest record keeps the account id,
  the others get new accounts;
- an undo reverses what the decision moved (records still where it put them).
What moved is written in the audit trail (``revue_appliquee``), which the undo reads back."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matching import link

from ...models import AuditLog, RecordLink, Redevable, WorklistState
from ..admin import audit
from ..comptes import famille, worklist
from . import rapprochement as engine

APPLIED = "revue_appliquee"


def _account_of(session: Session, record_id: int) -> int | None:
    rid = session.scalar(select(RecordLink.redevable_id).where(RecordLink.source_record_id == record_id))
    if rid is None:
        return None
    return famille.roots_of(session, [rid]).get(rid, rid)


def _move(session: Session, record_ids: list[int], to: int, now: datetime) -> None:
    if record_ids:
        session.execute(update(RecordLink).where(RecordLink.source_record_id.in_(record_ids))
                        .values(redevable_id=to, linked_at=now, method="revue"))


def apply(session: Session, decision_id: int, left: int, right: int, same: bool,
          agent_id: int | None, ip: str | None) -> dict:
    """Apply a decision inside the caller's transaction; returns what moved (also audited)."""
    now = datetime.now(UTC)
    a, b = _account_of(session, left), _account_of(session, right)
    moved: dict = {"merged": None, "moves": []}  # moves: [record ids, from account, to account]
    if a is None or b is None:
        pass
    elif same and a != b:
        keep, other = min(a, b), max(a, b)
        records = list(session.scalars(select(RecordLink.source_record_id).where(RecordLink.redevable_id == other)))
        _move(session, records, keep, now)
        session.execute(update(Redevable).where(Redevable.id == other).values(merged_into_id=keep))
        moved = {"merged": [other, keep], "moves": [[records, other, keep]]}
        engine._refresh_display(session, {keep})
    elif not same and a == b:
        moved["moves"] = _recluster(session, a, now)
        engine._refresh_display(session, {m[2] for m in moved["moves"]} | {a})
    refresh_worklist(session, {x for m in moved["moves"] for x in m[1:]})
    audit.add(session, agent_id, APPLIED, "review_decision", decision_id, moved, ip)
    return moved


def refresh_worklist(session: Session, accounts: set[int]) -> None:
    """Recompute the work-list entries of the accounts a decision touched: records moved between two
    accounts that both stay alive are a change the incremental refresh does not see."""
    state = session.get(WorklistState, 1)
    if state is None or not accounts:
        return
    counts = dict(state.counts or {})
    worklist.refresh_accounts(session, accounts, counts)
    state.counts = counts


def _recluster(session: Session, account: int, now: datetime) -> list[list]:
    """Re-cluster the records of ``account`` with the stored model and the human decisions on them."""
    model = engine.latest_model(session)
    members = sorted(session.scalars(select(RecordLink.source_record_id).where(RecordLink.redevable_id == account)))
    records = engine._records(session, members)
    source = {int(r.id): r.source for r in records}
    decisions = {(engine._key(x, source), engine._key(y, source)): s
                 for (x, y), s in engine._latest_decisions(session).items() if x in source and y in source}
    if model is None or len(records) < 2:
        clusters = {0: members}
    else:
        result = link(records, model=model, decisions=decisions, learn_from_decisions=False)
        clusters = defaultdict(list)
        for (_source, rid), label in result.clusters.items():
            clusters[label].append(int(rid))
    moves = []
    for group in sorted((sorted(g) for g in clusters.values()), key=lambda g: g[0])[1:]:  # oldest group stays
        new = Redevable()
        session.add(new)
        session.flush()
        _move(session, group, new.id, now)
        moves.append([group, account, new.id])
    return moves


def undo(session: Session, decision_id: int, now: datetime | None = None) -> dict:
    """Reverse what decision ``decision_id`` moved (records still where it put them); what moved back."""
    now = now or datetime.now(UTC)
    entry = session.scalar(select(AuditLog).where(AuditLog.action == APPLIED, AuditLog.object_type == "review_decision",
                                                  AuditLog.object_id == str(decision_id)).order_by(AuditLog.id.desc()))
    if entry is None:
        return {"moves": []}
    details = entry.details or {}
    back = []
    for records, source, target in details.get("moves", []):
        still = list(session.scalars(select(RecordLink.source_record_id).where(
            RecordLink.source_record_id.in_(records), RecordLink.redevable_id == target)))
        _move(session, still, source, now)
        back.append([still, target, source])
    if details.get("merged"):
        other, _keep = details["merged"]
        session.execute(update(Redevable).where(Redevable.id == other).values(merged_into_id=None))
    for _still, target, source in back:
        if not details.get("merged"):  # an account the split created is now empty: it points to the original
            session.execute(update(Redevable).where(Redevable.id == target).values(merged_into_id=source))
    touched = {m[2] for m in back} | {m[1] for m in back}
    engine._refresh_display(session, touched)
    refresh_worklist(session, touched)
    return {"moves": back}
