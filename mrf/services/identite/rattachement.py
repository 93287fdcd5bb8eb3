"""Attach records imported after the last batch match, in short transactions.

Where each record goes is decided first, from a read (no write lock): a few records are matched one by
one against an index of the linked ones; from ``SEUIL_LOT`` records on, the batch path scores every
candidate pair at once with the stored model (the engine's ``link``, as ``mrf match`` does, with the
existing accounts kept together), which costs seconds where one-by-one matching took minutes. The
decisions are then written by chunks, each chunk its own short transaction, so that on SQLite no page
waits on the write lock for more than a chunk. Every call takes all records still unlinked (not only the
ones it was given): a killed attach is resumed by the next one, never forgotten."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching import MatchIndex, MatchModel, link

from ...extensions import db
from ...ingest.situations import record_on_accounts
from ...jobs.suivi import Suivi
from ...models import MatchPair, MatchRun, RecordLink, Redevable, SourceRecord
from ..comptes import worklist
from .rapprochement import _compact, _latest_decisions, _records, _refresh_display, latest_model

#: Records per transaction: small enough that a page never waits a second for the write lock.
TAILLE_LOT = 100
#: From this many records to attach, the batch path is taken (one scoring of all candidate pairs).
SEUIL_LOT = 500
#: SQLite: after each chunk, the attach waits this share of the chunk's duration, so that pages waiting
#: for the write lock (their busy handler polls every few tens of milliseconds) get it between chunks.
PART_DES_PAGES = 1.0


@dataclass
class Decision:
    """Where one record goes. ``person``: an account id, or minus a record id for an account to create
    (shared by the records of one new person); ``pairs``: (left, right, probability, explanation,
    status) of the pairs to queue for review."""

    record_id: int
    person: int
    method: str  # incremental, batch or singleton
    probability: float | None = None
    explanation: dict | None = None
    pairs: list[tuple[int, int, float, dict, str]] = field(default_factory=list)


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
        by_batch = len(todo) >= SEUIL_LOT
        if by_batch:
            decisions = _decide_by_batch(session, model, todo, suivi)
        else:
            suivi.debut(None, f"Index des enregistrements déjà rattachés ({len(todo)} à rattacher)…")
            persons_by_record = dict(session.execute(select(RecordLink.source_record_id,
                                                            RecordLink.redevable_id)).all())
            known = _records(session, persons_by_record) if persons_by_record else []
            labels = _decisions_par_enregistrement(session)
    if not by_batch:
        # the reviewers' decisions are honoured as by ``mrf match``: never attached against a human decision
        index = MatchIndex.build(known, model, {r.key: persons_by_record[int(r.id)] for r in known}, labels)
    with db.transaction() as session:
        run = MatchRun(kind="incremental", model=None)
        session.add(run)
        session.flush()
        run_id = run.id
    totals = {"attached": 0, "created": 0, "review": 0}
    accounts: dict[int, int] = {}  # provisional person (minus a record id) → account created for it
    suivi.debut(len(todo), "Rattachement des nouveaux enregistrements…")
    lists = worklist.WriterRefresh()  # pages leave large refreshes to the writer at work
    for start in range(0, len(todo), TAILLE_LOT):
        chunk = todo[start:start + TAILLE_LOT]
        started = time.perf_counter()
        _attach_chunk([decisions[i] for i in chunk] if by_batch else _decide(chunk, index), run_id, accounts,
                      totals)
        suivi.avance(len(chunk))
        lists.tick()
        if db.is_sqlite and start + TAILLE_LOT < len(todo):
            time.sleep((time.perf_counter() - started) * PART_DES_PAGES)
    with db.transaction() as session:
        run = session.get(MatchRun, run_id)
        run.finished_at = datetime.now(UTC)
        run.stats = {"records": len(todo), "chemin": "lot" if by_batch else "index", **totals}
    lists.done()
    return (f"Rapprochement au fil de l'eau : {totals['attached']} enregistrement(s) rattaché(s) à un compte "
            f"existant, {totals['created']} nouveau(x) compte(s), {totals['review']} paire(s) à examiner.")


def _decide(chunk: list[int], index: MatchIndex) -> list[Decision]:
    """Match a chunk in memory, outside any transaction. A record that joins no account gets a provisional
    person (minus its id), so that a later record of the same person finds it; the account is created when
    the chunk is written."""
    with db.new_session() as session:
        records = _records(session, chunk)
    decisions = []
    for record in records:
        candidates = index.match(record)
        best = candidates[0] if candidates else None
        accepted = best is not None and best.status == "accept"
        person = int(best.person) if accepted else -int(record.id)
        index.add(record, person)
        decision = Decision(int(record.id), person, "incremental" if accepted else "singleton")
        if accepted:
            decision.probability = best.probability
            decision.explanation = {"avec_enregistrement": int(best.record[1]), **_compact(best.explanation)}
        if best is not None and best.status == "review":
            left, right = sorted((int(record.id), int(best.record[1])))
            decision.pairs.append((left, right, best.probability, best.explanation, "review"))
        decisions.append(decision)
    return decisions


def _decide_by_batch(session: Session, model: MatchModel, todo: list[int], suivi: Suivi) -> dict[int, Decision]:
    """Every record linked at once with the stored model, as ``mrf match`` links them, the existing accounts
    kept together and the human decisions imposed; only the unlinked records' outcome is kept: each joins
    the account of its cluster (the oldest when there are several: their merge is left to ``mrf match``),
    or a new one shared with the other new records of its cluster."""
    suivi.debut(None, f"Rapprochement par lot de {len(todo)} enregistrements…")
    records = _records(session)
    key_of = {int(r.id): (r.source, r.id) for r in records}
    existing = dict(session.execute(select(RecordLink.source_record_id, RecordLink.redevable_id)).all())
    decisions: dict[tuple, bool] = {}
    members_of: dict[int, list[int]] = defaultdict(list)
    for record_id, redevable_id in existing.items():
        members_of[redevable_id].append(record_id)
    for members in members_of.values():  # keep existing accounts together (must-link chain)
        members = sorted(m for m in members if m in key_of)
        for a, b in zip(members, members[1:], strict=False):
            decisions[(key_of[a], key_of[b])] = True
    for (a, b), same in _latest_decisions(session).items():
        if a in key_of and b in key_of:
            decisions[(key_of[a], key_of[b])] = same
    # The stored model was refined by the human decisions at the batch run: they are imposed, not learned again.
    result = link(records, model=model, decisions=decisions, progress=suivi.message, learn_from_decisions=False)
    pending = set(todo)
    clusters: dict[int, list[int]] = defaultdict(list)
    for (_source, rid), label in result.clusters.items():
        clusters[label].append(int(rid))
    person: dict[int, int] = {}
    for members in clusters.values():
        new = sorted(m for m in members if m in pending)
        if new:
            accounts = {existing[m] for m in members if m in existing}
            target = min(accounts) if accounts else -new[0]
            person.update({m: target for m in new})
    out = {rid: Decision(rid, person[rid], "singleton") for rid in todo}
    best: dict[int, tuple[float, int]] = {}  # pending record → (probability, index of its best accepted pair)
    probabilities = result.probability[result.pairs.indices].tolist()
    for k, ((left, right), probability) in enumerate(zip(result.pairs.keys(), probabilities, strict=True)):
        for me in (int(left[1]), int(right[1])):
            if me in pending and (me not in best or probability > best[me][0]):
                best[me] = (probability, k)
    for rid, (probability, k) in best.items():
        pair = result.pairs[k]
        other = int(pair.right[1]) if int(pair.left[1]) == rid else int(pair.left[1])
        out[rid].method, out[rid].probability = "batch", probability
        out[rid].explanation = {"avec_enregistrement": other, **_compact(pair.explanation)}
    for k, (left, right) in enumerate(result.review_pairs.keys()):
        a, b = sorted((int(left[1]), int(right[1])))
        if a in pending or b in pending:  # the others were queued by the batch run
            pair = result.review_pairs[k]
            out[a if a in pending else b].pairs.append(
                (a, b, pair.probability, pair.explanation, "review" if pair.status == "review" else "split"))
    return out


def _attach_chunk(decisions: list[Decision], run_id: int, accounts: dict[int, int], totals: dict[str, int]) -> None:
    """Write one chunk in one short transaction; records linked meanwhile (by a batch run) are skipped."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        still = set(non_rattaches_parmi(session, [d.record_id for d in decisions]))
        decisions = [d for d in decisions if d.record_id in still]
        new_persons = sorted({d.person for d in decisions if d.person < 0 and d.person not in accounts})
        created = [Redevable() for _ in new_persons]
        session.add_all(created)
        session.flush()
        accounts.update({p: r.id for p, r in zip(new_persons, created, strict=True)})
        totals["created"] += len(created)
        totals["attached"] += len(decisions) - len(created)
        touched: set[int] = set()
        for d in decisions:
            redevable_id = accounts[d.person] if d.person < 0 else d.person
            for left, right, probability, explanation, status in d.pairs:
                session.add(MatchPair(run_id=run_id, left_record_id=left, right_record_id=right,
                                      probability=probability, explanation=explanation, status=status))
                totals["review"] += 1
            session.add(RecordLink(source_record_id=d.record_id, redevable_id=redevable_id, method=d.method,
                                   probability=d.probability, explanation=d.explanation, run_id=run_id,
                                   linked_at=now))
            touched.add(redevable_id)
        session.flush()
        _refresh_display(session, touched)
        record_on_accounts(session, [d.record_id for d in decisions])  # situations the extracts declared


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
