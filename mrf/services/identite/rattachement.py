"""Attach records imported after the last batch match, in short transactions.

The index of already-linked records is built from a read (no write lock); records are then attached
by chunks, each chunk its own short transaction, so that on SQLite no page waits on the write lock
for more than a chunk. Every call takes all records still unlinked (not only the ones it was given):
a killed attach is resumed by the next one, never forgotten."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching import MatchIndex

from ...extensions import db
from ...jobs.suivi import Suivi
from ...models import MatchPair, MatchRun, RecordLink, Redevable, SourceRecord
from .rapprochement import _compact, _records, _refresh_display, latest_model

#: Records per transaction: small enough that a page never waits a second for the write lock.
TAILLE_LOT = 200


def non_rattaches(session: Session, record_ids: Iterable[int] | None = None) -> list[int]:
    """Ids of source records with no link, in id order (``record_ids`` first narrows the search)."""
    query = (select(SourceRecord.id).outerjoin(RecordLink, RecordLink.source_record_id == SourceRecord.id)
             .where(RecordLink.id.is_(None)).order_by(SourceRecord.id))
    found = list(session.scalars(query))
    if record_ids is not None:
        wanted = set(record_ids)
        # the given ones first, then any left behind by an earlier, interrupted attach
        return [i for i in found if i in wanted] + [i for i in found if i not in wanted]
    return found


def rattacher_en_attente(record_ids: list[int] | None = None, suivi: Suivi | None = None) -> str | None:
    """Attach every unlinked record (``record_ids`` first) to an account; a French sentence, or None when
    there is nothing to do or no batch match has run yet (the first ``mrf match`` takes them)."""
    from ...jobs.verrou import exclusif

    suivi = suivi or Suivi()
    with exclusif("rapprochement"):
        return _rattacher(record_ids, suivi)


def _rattacher(record_ids: list[int] | None, suivi: Suivi) -> str | None:
    with db.new_session() as session:
        model = latest_model(session)
        if model is None:
            return None
        todo = non_rattaches(session, record_ids)
        if not todo:
            return None
        suivi.debut(None, f"Index des enregistrements déjà rattachés ({len(todo)} à rattacher)…")
        persons_by_record = dict(session.execute(select(RecordLink.source_record_id, RecordLink.redevable_id)).all())
        known = _records(session, persons_by_record) if persons_by_record else []
    index = MatchIndex.build(known, model, {r.key: persons_by_record[int(r.id)] for r in known})
    with db.transaction() as session:
        run = MatchRun(kind="incremental", model=None)
        session.add(run)
        session.flush()
        run_id = run.id
    totals = {"attached": 0, "created": 0, "review": 0}
    suivi.debut(len(todo), "Rattachement des nouveaux enregistrements…")
    for start in range(0, len(todo), TAILLE_LOT):
        chunk = todo[start:start + TAILLE_LOT]
        _attach_chunk(chunk, index, run_id, totals)
        suivi.avance(len(chunk))
    with db.transaction() as session:
        run = session.get(MatchRun, run_id)
        run.finished_at = datetime.now(timezone.utc)
        run.stats = {"records": len(todo), **totals}
    return (f"Rapprochement au fil de l'eau : {totals['attached']} enregistrement(s) rattaché(s) à un compte "
            f"existant, {totals['created']} nouveau(x) compte(s), {totals['review']} paire(s) à examiner.")


def _attach_chunk(chunk: list[int], index: MatchIndex, run_id: int, totals: dict[str, int]) -> None:
    """One short transaction; records linked meanwhile (by a batch run) are skipped."""
    now = datetime.now(timezone.utc)
    with db.transaction() as session:
        still = set(non_rattaches_parmi(session, chunk))
        records = _records(session, still)
        touched: set[int] = set()
        for record in records:
            candidates = index.match(record)
            best = candidates[0] if candidates else None
            if best is not None and best.status == "accept":
                redevable_id, method = int(best.person), "incremental"
                totals["attached"] += 1
            else:
                redevable = Redevable()
                session.add(redevable)
                session.flush()
                redevable_id, method = redevable.id, "singleton"
                totals["created"] += 1
            if best is not None and best.status == "review":
                left, right = sorted((int(record.id), int(best.record[1])))
                session.add(MatchPair(run_id=run_id, left_record_id=left, right_record_id=right,
                                      probability=best.probability, explanation=best.explanation, status="review"))
                totals["review"] += 1
            explanation = ({"avec_enregistrement": int(best.record[1]), **_compact(best.explanation)}
                           if method == "incremental" else None)
            session.add(RecordLink(source_record_id=int(record.id), redevable_id=redevable_id, method=method,
                                   probability=best.probability if method == "incremental" else None,
                                   explanation=explanation, run_id=run_id, linked_at=now))
            touched.add(redevable_id)
            # a second record of the same person later in the chunk finds this one
            index.add(record, redevable_id)
        session.flush()
        _refresh_display(session, touched)


def non_rattaches_parmi(session: Session, ids: list[int]) -> list[int]:
    linked = set(session.scalars(select(RecordLink.source_record_id)
                                 .where(RecordLink.source_record_id.in_(ids))))
    return [i for i in ids if i not in linked]
