"""Identity matching in the application: source records → consolidated accounts (redevables).

Rules that make accounts trustworthy over time:
- an account's id never changes: a re-run keeps the records of an existing account together
  (must-link) unless a human decided that two of them are different persons; when two accounts
  turn out to be one person, the younger one points to the older (``merged_into_id``);
- every link keeps its probability and explanation; pairs in the uncertain band wait for a human;
- a human decision (``ReviewDecision``, latest wins) is respected by every later run;
- records imported after a batch run are attached incrementally with the stored model."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select, true, update
from sqlalchemy.orm import Session

from matching import MatchModel, MatchSettings, Record, link
from matching.text import fold

from ...extensions import db
from ...ingest.bulk import insert_rows, reserve_ids
from ...ingest.situations import record_on_accounts
from ...models import AuditLog, MatchPair, MatchRun, RecordLink, Redevable, ReviewDecision, SourceRecord
from ..comptes import worklist

Say = Callable[[str], None]
SOURCE_TRUST = {"impots": 0, "secteur_local": 1, "amendes": 2}  # which source's identity to display first


@dataclass
class MatchReport:
    run_id: int
    records: int = 0
    accounts: int = 0
    created: int = 0
    merged: int = 0
    split: int = 0
    relinked: int = 0
    accepted_pairs: int = 0
    review_pairs: int = 0
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.records} enregistrements, {self.accounts} comptes consolidés "
                f"({self.created} créés, {self.merged} fusionnés, {self.split} scindés sur décision humaine, "
                f"{self.relinked} rattachements modifiés) ; {self.accepted_pairs} paires liées, "
                f"{self.review_pairs} paires à examiner ; {self.seconds:.1f} s.")


def to_match_record(row: SourceRecord) -> Record:
    """The matching library's view of a source record (key: source, str(id))."""
    return Record(
        source=row.source, id=str(row.id),
        first_names=row.prenoms,
        last_name=row.nom,
        birth_name=row.nom_naissance,
        usage_name=row.nom_usage,
        sex=row.sexe,
        birth_date=row.date_naissance or row.date_naissance_brute,
        birth_place=row.lieu_naissance,
        street_number=row.numero_voie,
        street=row.voie,
        postcode=row.code_postal,
        city=row.commune,
        identifier=row.numero_fiscal,
    )


RECORD_COLUMNS = (SourceRecord.id, SourceRecord.source, SourceRecord.prenoms, SourceRecord.nom,
                  SourceRecord.nom_naissance, SourceRecord.nom_usage, SourceRecord.sexe, SourceRecord.date_naissance,
                  SourceRecord.date_naissance_brute, SourceRecord.lieu_naissance, SourceRecord.numero_voie,
                  SourceRecord.voie, SourceRecord.code_postal, SourceRecord.commune, SourceRecord.numero_fiscal)


def _records(session: Session, ids: Iterable[int] | None = None) -> list[Record]:
    query = select(*RECORD_COLUMNS).order_by(SourceRecord.id)
    if ids is not None:
        query = query.where(SourceRecord.id.in_(list(ids)))
    return [to_match_record(row) for row in session.execute(query)]


def _latest_decisions(session: Session) -> dict[tuple[int, int], bool]:
    latest = (select(ReviewDecision.left_record_id, ReviewDecision.right_record_id,
                     func.max(ReviewDecision.id).label("last"))
              .group_by(ReviewDecision.left_record_id, ReviewDecision.right_record_id).subquery())
    rows = session.execute(select(ReviewDecision.left_record_id, ReviewDecision.right_record_id,
                                  ReviewDecision.decision)
                           .join(latest, ReviewDecision.id == latest.c.last))
    # an undone decision (``annulee``, the latest) leaves the pair to the model again
    return {(min(a, b), max(a, b)): decision == "same" for a, b, decision in rows if decision != "annulee"}


def _key(record_id: int, source: dict[int, str]) -> tuple[str, str]:
    return (source[record_id], str(record_id))


def _compact(explanation: dict) -> dict:
    """What is stored for an accepted pair: enough to show the explanation again with the run's model."""
    return {"probability": explanation["probability"], "match_weight": explanation["match_weight"],
            "prior_weight": explanation["prior_weight"], "summary": explanation["summary"],
            "fields": [{k: f[k] for k in ("comparison", "label", "level", "level_label", "weight")}
                       for f in explanation["fields"]]}


def run_batch(settings: MatchSettings | None = None, say: Say = lambda _m: None,
              agent_id: int | None = None) -> MatchReport:
    """Match every source record; create, keep, merge (and, on human decision, split) accounts."""
    started = time.perf_counter()
    with db.transaction() as session:
        run = MatchRun(kind="batch")
        session.add(run)
        session.flush()
        report = MatchReport(run_id=run.id)
        say("Lecture des enregistrements sources…")
        records = _records(session)
        report.records = len(records)
        source_of = {int(r.id): r.source for r in records}
        existing = dict(session.execute(select(RecordLink.source_record_id, RecordLink.redevable_id)).all())
        human = _latest_decisions(session)
        decisions: dict[tuple[tuple[str, str], tuple[str, str]], bool] = {}
        separated_accounts = {existing[a] for (a, b), same in human.items()
                              if not same and a in existing and existing.get(a) == existing.get(b)}
        members_of: dict[int, list[int]] = defaultdict(list)
        for record_id, redevable_id in existing.items():
            members_of[redevable_id].append(record_id)
        for redevable_id, members in members_of.items():
            if redevable_id in separated_accounts:
                continue
            members.sort()
            for a, b in zip(members, members[1:], strict=False):  # keep existing accounts together (must-link chain)
                if a in source_of and b in source_of:
                    decisions[(_key(a, source_of), _key(b, source_of))] = True
        labels = []
        for (a, b), same in human.items():
            if a in source_of and b in source_of:
                decisions[(_key(a, source_of), _key(b, source_of))] = same
                labels.append((_key(a, source_of), _key(b, source_of)))

        # Every human decision (latest per pair) is a label: imposed (must-link / cannot-link, never
        # overridden) and learned from (m re-estimated, acceptance threshold); the must-links that keep
        # existing accounts together are imposed only — they are the engine's own past output.
        if labels:
            say(f"{len(labels)} décision(s) de revue prises comme étiquettes.")
        result = link(records, settings, decisions=decisions, progress=say, learn_from=labels)
        report.stats = {k: v for k, v in result.stats.items() if isinstance(v, (int, float, str))}
        run.model = json.loads(result.model.to_json())
        say("Constitution des comptes consolidés…")
        clusters: dict[int, list[int]] = defaultdict(list)
        for (_source, rid), label in result.clusters.items():
            clusters[label].append(int(rid))
        target = _assign_accounts(session, clusters, existing, report)

        say("Enregistrement des liens et des explications…")
        best: dict[int, tuple[float, int, dict]] = {}
        pair_rows: list[dict] = []
        now = datetime.now(UTC)
        for pair in result.pairs:
            left, right = sorted((int(pair.left[1]), int(pair.right[1])))
            explanation = pair.explanation
            compact = _compact(explanation)
            pair_rows.append({"run_id": run.id, "left_record_id": left, "right_record_id": right,
                              "probability": pair.probability, "explanation": compact, "status": "accepted"})
            for me, other in ((left, right), (right, left)):
                if me not in best or pair.probability > best[me][0]:
                    best[me] = (pair.probability, other, compact)
        report.accepted_pairs = len(pair_rows)
        for pair in result.review_pairs:
            left, right = sorted((int(pair.left[1]), int(pair.right[1])))
            pair_rows.append({"run_id": run.id, "left_record_id": left, "right_record_id": right,
                              "probability": pair.probability, "explanation": pair.explanation,
                              "status": "review" if pair.status == "review" else "split"})
        # the pairs the review queue will show: review band and split (the same count on the page)
        report.review_pairs = len(pair_rows) - report.accepted_pairs
        for pid, row in zip(reserve_ids(session, MatchPair.__table__, len(pair_rows)), pair_rows, strict=False):
            row["id"] = pid
        insert_rows(session, MatchPair.__table__, pair_rows)
        _write_links(session, target, existing, best, run.id, now, report)
        _refresh_display(session, set(target.values()))
        record_on_accounts(session)  # the situations the extracts declared, on the accounts just made
        report.accounts = len(set(target.values()))
        report.seconds = time.perf_counter() - started
        run.finished_at = datetime.now(UTC)
        run.stats = {"records": report.records, "accounts": report.accounts, "created": report.created,
                     "merged": report.merged, "split": report.split, "relinked": report.relinked,
                     "accepted_pairs": report.accepted_pairs, "review_pairs": report.review_pairs,
                     "seconds": round(report.seconds, 2), **report.stats}
        session.add(AuditLog(agent_id=agent_id, action="rapprochement", object_type="match_run",
                             object_id=str(run.id), details=run.stats))
    say("Mise à jour des listes de travail…")
    worklist.refresh_quietly()  # every entry is recomputed after a batch run: here, not by the first page
    return report


def _assign_accounts(session: Session, clusters: dict[int, list[int]], existing: dict[int, int],
                     report: MatchReport) -> dict[int, int]:
    """record id → redevable id. Each existing account stays with the cluster holding its oldest
    record; a cluster holding several accounts keeps the oldest id and the others are merged into
    it; a cluster with none gets a new account."""
    home: dict[int, int] = {}  # redevable → cluster
    oldest: dict[int, int] = {}
    for label, members in clusters.items():
        for rid in members:
            acc = existing.get(rid)
            if acc is not None and (acc not in oldest or rid < oldest[acc]):
                oldest[acc] = rid
                home[acc] = label
    accounts_in: dict[int, list[int]] = defaultdict(list)
    for acc, label in home.items():
        accounts_in[label].append(acc)
    moved_from = {acc for label, members in clusters.items() for rid in members
                  if (acc := existing.get(rid)) is not None and home.get(acc) != label}
    need_new = [label for label in clusters if label not in accounts_in]
    new_ids = reserve_ids(session, Redevable.__table__, len(need_new))
    now = datetime.now(UTC)
    insert_rows(session, Redevable.__table__, [{"id": i, "created_at": now} for i in new_ids])
    report.created = len(new_ids)
    report.split = len(moved_from)
    new_id_of = dict(zip(need_new, new_ids, strict=False))
    target: dict[int, int] = {}
    merges: list[tuple[int, int]] = []
    for label, members in clusters.items():
        if label in accounts_in:
            keep, *others = sorted(accounts_in[label])
            merges.extend((other, keep) for other in others)
        else:
            keep = new_id_of[label]
        for rid in members:
            target[rid] = keep
    if merges:
        session.execute(update(Redevable), [{"id": other, "merged_into_id": keep} for other, keep in merges])
        # an account merged earlier into one that is now merged again follows the chain
        for other, keep in merges:
            session.execute(update(Redevable).where(Redevable.merged_into_id == other)
                            .values(merged_into_id=keep))
            session.add(AuditLog(action="fusion_comptes", object_type="redevable", object_id=str(other),
                                 details={"fusionne_dans": keep}))
    report.merged = len(merges)
    return target


def _write_links(session: Session, target: dict[int, int], existing: dict[int, int],
                 best: dict[int, tuple[float, int, dict]], run_id: int, now: datetime, report: MatchReport) -> None:
    new_rows, changed = [], []
    for rid, acc in target.items():
        probability, other, compact = best.get(rid, (None, None, None))
        explanation = {"avec_enregistrement": other, **compact} if compact else None
        if rid not in existing:
            new_rows.append({"source_record_id": rid, "redevable_id": acc,
                             "method": "batch" if compact else "singleton", "probability": probability,
                             "explanation": explanation, "run_id": run_id, "linked_at": now})
        elif existing[rid] != acc:
            changed.append({"source_record_id": rid, "redevable_id": acc, "probability": probability,
                            "explanation": explanation, "run_id": run_id, "linked_at": now,
                            "before": existing[rid]})
    for lid, row in zip(reserve_ids(session, RecordLink.__table__, len(new_rows)), new_rows, strict=False):
        row["id"] = lid
    insert_rows(session, RecordLink.__table__, new_rows)
    for row in changed:
        before = row.pop("before")
        session.execute(update(RecordLink).where(RecordLink.source_record_id == row["source_record_id"])
                        .values(**{k: v for k, v in row.items() if k != "source_record_id"}, method="batch"))
        session.add(AuditLog(action="rattachement_modifie", object_type="source_record",
                             object_id=str(row["source_record_id"]),
                             details={"avant": before, "apres": row["redevable_id"], "run": run_id}))
    report.relinked = len(changed)


def _refresh_display(session: Session, redevable_ids: set[int]) -> None:
    """Refresh the display cache of accounts (name, birth date, best address, search text)."""
    if not redevable_ids:
        return
    rows = session.execute(
        select(RecordLink.redevable_id, SourceRecord.source, SourceRecord.id, SourceRecord.nom,
               SourceRecord.nom_naissance, SourceRecord.nom_usage, SourceRecord.prenoms,
               SourceRecord.date_naissance, SourceRecord.code_insee, SourceRecord.address_date)
        .join(SourceRecord, SourceRecord.id == RecordLink.source_record_id)
        .where(RecordLink.redevable_id.in_(redevable_ids) if len(redevable_ids) < 5000 else true()))
    by_account: dict[int, list] = defaultdict(list)
    for row in rows:
        if row.redevable_id in redevable_ids:
            by_account[row.redevable_id].append(row)
    updates = []
    for acc, members in by_account.items():
        members.sort(key=lambda r: (SOURCE_TRUST.get(r.source, 9), r.id))
        first = members[0]
        nom = first.nom_usage or first.nom_naissance or first.nom
        births = Counter(r.date_naissance for r in members if r.date_naissance)
        located = [r for r in members if r.code_insee]
        located.sort(key=lambda r: (r.address_date is not None, r.address_date or datetime.min.date(),
                                    -SOURCE_TRUST.get(r.source, 9)), reverse=True)
        variants = {fold(v) for r in members for v in (r.nom, r.nom_naissance, r.nom_usage, r.prenoms) if v}
        updates.append({"id": acc, "nom": nom, "prenoms": first.prenoms,
                        "date_naissance": births.most_common(1)[0][0] if births else None,
                        "code_insee": located[0].code_insee if located else None,
                        "search_text": " ".join(sorted(variants))})
    for start in range(0, len(updates), 5000):
        session.execute(update(Redevable), updates[start:start + 5000])


def latest_model(session: Session) -> MatchModel | None:
    """The model of the last batch run, or None if there is none or it was trained by an older
    version of the engine (other comparison levels): the next ``mrf match`` takes the records."""
    model = session.scalar(select(MatchRun.model).where(MatchRun.kind == "batch", MatchRun.model.is_not(None))
                           .order_by(MatchRun.id.desc()).limit(1))
    if not model:
        return None
    try:
        return MatchModel.from_dict(model)
    except (ValueError, KeyError):
        return None


def attach_new_records(record_ids: list[int], say: Say = lambda _m: None) -> str | None:  # noqa: ARG001
    """Attach records imported after the last batch run (and any left unlinked), in short transactions:
    see ``rattachement``. A French sentence, or None when no batch run exists yet."""
    from .rattachement import rattacher_en_attente

    return rattacher_en_attente(record_ids)
