"""Attach records imported after the last batch match, in short transactions.

The index of already-linked records is built from a read (no write lock); records are then attached
by chunks, each chunk its own short transaction, so that on SQLite no page waits on the write lock
for more than a chunk. Every call takes all records still unlinked (not only the ones it was given):
a killed attach is resumed by the next one, never forgotten."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching import MatchIndex, Record

from ...extensions import db
from ...ingest.situations import record_on_accounts
from ...jobs.suivi import Suivi
from ...models import MatchPair, MatchRun, RecordLink, Redevable, SourceRecord
from .rapprochement import _compact, _latest_decisions, _records, _refresh_display, latest_model

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
        decisions = _decisions_par_enregistrement(session)
    # the reviewers' decisions are honoured as by ``mrf match``: never attached against a human decision
    index = MatchIndex.build(known, model, {r.key: persons_by_record[int(r.id)] for r in known}, decisions)
    with db.transaction() as session:
        run = MatchRun(kind="incremental", model=None)
        session.add(run)
        session.flush()
        run_id = run.id
    totals = {"attached": 0, "created": 0, "review": 0}
    accounts: dict[int, int] = {}  # provisional person (minus a record id) → account created for it
    suivi.debut(len(todo), "Rattachement des nouveaux enregistrements…")
    for start in range(0, len(todo), TAILLE_LOT):
        chunk = todo[start:start + TAILLE_LOT]
        decisions = _decide(chunk, index)
        _attach_chunk(decisions, run_id, accounts, totals)
        suivi.avance(len(chunk))
    with db.transaction() as session:
        run = session.get(MatchRun, run_id)
        run.finished_at = datetime.now(UTC)
        run.stats = {"records": len(todo), **totals}
    return (f"Rapprochement au fil de l'eau : {totals['attached']} enregistrement(s) rattaché(s) à un compte "
            f"existant, {totals['created']} nouveau(x) compte(s), {totals['review']} paire(s) à examiner.")


def _decide(chunk: list[int], index: MatchIndex) -> list[tuple[Record, Any, int]]:
    """Match a chunk in memory, outside any transaction: (record, best candidate, person). A record
    that joins no account gets a provisional person (minus its id), so that a later record of the same
    person finds it; the account is created when the chunk is written."""
    with db.new_session() as session:
        records = _records(session, chunk)
    decisions = []
    for record in records:
        candidates = index.match(record)
        best = candidates[0] if candidates else None
        person = int(best.person) if best is not None and best.status == "accept" else -int(record.id)
        index.add(record, person)
        decisions.append((record, best, person))
    return decisions


def _attach_chunk(decisions: list[tuple[Record, Any, int]], run_id: int, accounts: dict[int, int],
                  totals: dict[str, int]) -> None:
    """Write one chunk in one short transaction; records linked meanwhile (by a batch run) are skipped."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        still = set(non_rattaches_parmi(session, [int(r.id) for r, _b, _p in decisions]))
        decisions = [d for d in decisions if int(d[0].id) in still]
        new_persons = sorted({p for _r, _b, p in decisions if p < 0 and p not in accounts})
        created = [Redevable() for _ in new_persons]
        session.add_all(created)
        session.flush()
        accounts.update({p: r.id for p, r in zip(new_persons, created, strict=True)})
        touched: set[int] = set()
        for record, best, person in decisions:
            redevable_id = accounts[person] if person < 0 else person
            accepted = best is not None and best.status == "accept"  # an account, maybe one made in this run
            method = "incremental" if accepted else "singleton"
            totals["attached" if accepted else "created"] += 1
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
        session.flush()
        _refresh_display(session, touched)
        record_on_accounts(session, [int(r.id) for r, _b, _p in decisions])  # situations the extracts declared


def _decisions_par_enregistrement(session: Session) -> dict[tuple[tuple[str, str], tuple[str, str]], bool]:
    """The latest human decision of each pair, keyed as the matching library keys records."""
    human = _latest_decisions(session)
    ids = sorted({i for pair in human for i in pair})
    source = dict(session.execute(select(SourceRecord.id, SourceRecord.source).where(SourceRecord.id.in_(ids)))
                  .all()) if ids else {}
    return {((source[a], str(a)), (source[b], str(b))): same for (a, b), same in human.items()
            if a in source and b in source}


def non_rattaches_parmi(session: Session, ids: list[int]) -> list[int]:
    linked = set(session.scalars(select(RecordLink.source_record_id)
                                 .where(RecordLink.source_record_id.in_(ids))))
    return [i for i in ids if i not in linked]
