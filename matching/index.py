"""Incremental matching: an index of known persons, and one new record matched against it.

The index keeps the normalised records of the existing persons and, for each blocking rule,
the records' keys sorted (a dictionary look-up by binary search). A new record is normalised
with the same vocabularies, its keys are looked up, and the few candidates found are scored by
the trained model: no batch re-run. Persons are ranked by their best-matching record.

Reviewers' decisions (``decisions``, as :func:`matching.linker.link` takes them) are honoured as
in the batch run, never overridden: a record decided "same person" as a known record goes to that
record's person whatever the model says (must-link), and never to the person of a record decided
"different" (cannot-link).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .blocking import rule_keys
from .comparisons import PairBatch
from .explain import explain_pair
from .labels import MUST_LINK_WEIGHT, Decisions
from .model import MatchModel, Scores, compare_all, prior_weight
from .records import Record, RecordKey
from .table import RecordTable, build_table


@dataclass(frozen=True)
class Candidate:
    """A known person that may be the new record's, with the best of its records."""

    person: Hashable
    record: RecordKey
    probability: float
    match_weight: float
    status: str  # "accept", "review" or "reject" against the model's thresholds
    explanation: dict[str, Any]


def _ambiguous_to_review(found: list[Candidate], margin: float) -> list[Candidate]:
    """The candidates, the accepted ones within ``margin`` bits of the best turned to review when
    there are two persons or more among them."""
    accepted = [c for c in found if c.status == "accept"]
    close = [c for c in accepted if c.match_weight >= accepted[0].match_weight - margin] if accepted else []
    if len(close) < 2:
        return found
    ambiguous = {id(c) for c in close}
    return [replace(c, status="review") if id(c) in ambiguous else c for c in found]


class MatchIndex:
    """Built once from the existing persons' records (see :meth:`build`), then :meth:`match`
    finds the person of a new record in milliseconds; :meth:`add` records the outcome."""

    #: two persons accepted within this many bits of each other: neither is taken, both go to
    #: review (as the batch clustering detaches such a record: "JEAN DUPONT" without birth date
    #: at the address of a father and a son both called JEAN DUPONT)
    ambiguity_margin: float = 3.0

    def __init__(self, table: RecordTable, persons: list[Hashable], model: MatchModel,
                 decisions: Decisions | None = None) -> None:
        self.table = table
        self.persons = persons
        self.model = model
        self.settings = model.settings
        self._keys: list[tuple[np.ndarray, np.ndarray]] = []
        for rule in self.settings.blocking_rules:
            rec, key = rule_keys(table, rule)
            order = np.argsort(key, kind="stable")
            self._keys.append((key[order], rec[order].astype(np.int64)))
        self._extra: list[dict[int, list[int]]] = [{} for _ in self.settings.blocking_rules]
        self._recent: RecordTable | None = None  # records added since the index was built
        trained = int(model.training.get("records") or len(table))
        # λ is "probability that two random records match": with more records indexed than
        # trained on, each known record is proportionally less likely to be the new one's.
        self.prior = float(np.clip(model.prior * trained / max(len(table), 1), 1e-15, 0.5))
        self.table.frequencies("surname")  # computed once, on the indexed population
        # human decisions by record, both ways; rows of the records they name (indexed or added)
        self._decided: dict[RecordKey, dict[RecordKey, bool]] = {}
        for (a, b), same in (decisions or {}).items():
            a, b = (a[0], str(a[1])), (b[0], str(b[1]))
            self._decided.setdefault(a, {})[b] = bool(same)
            self._decided.setdefault(b, {})[a] = bool(same)
        self._row: dict[RecordKey, int] = (
            {k: i for i, k in enumerate(table.keys()) if k in self._decided} if self._decided else {})

    @classmethod
    def build(
        cls,
        records: Sequence[Record],
        model: MatchModel,
        persons: Mapping[RecordKey, Hashable] | None = None,
        decisions: Decisions | None = None,
    ) -> MatchIndex:
        """Index ``records``; ``persons`` maps each (source, id) to its person (e.g. the
        ``clusters`` of a :class:`~matching.linker.LinkResult`); by default each record is
        its own person. ``decisions``: the reviewers' decisions, ``{(key, key): same}``, kept
        by every later :meth:`match`."""
        table = build_table(records, date_format=model.settings.date_format, reference=model.settings.reference)
        keys = table.keys()
        person_of = [persons.get(k, k) if persons is not None else k for k in keys]
        return cls(table, person_of, model, decisions)

    def __len__(self) -> int:
        return len(self.table)

    def _candidates(self, one: RecordTable) -> np.ndarray:
        found: list[np.ndarray] = []
        values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for r, rule in enumerate(self.settings.blocking_rules):
            _, qkeys = rule_keys(one, rule, values)
            if qkeys.size == 0:
                continue
            skeys, recs = self._keys[r]
            lo = np.searchsorted(skeys, qkeys, side="left")
            hi = np.searchsorted(skeys, qkeys, side="right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if 0 < b - a <= rule.max_block_size:
                    found.append(recs[a:b])
            extra = self._extra[r]
            for k in qkeys.tolist():
                if k in extra:
                    found.append(np.asarray(extra[k], dtype=np.int64))
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(found))

    def _score(self, one: RecordTable, table: RecordTable, rows: np.ndarray) -> Scores:
        batch = PairBatch(one, table, np.zeros(rows.size, np.int64), rows, 1, reference=self.table)
        scores = self.model.score(compare_all(self.settings.comparisons, batch))
        scores.match_weight += prior_weight(self.prior) - prior_weight(self.model.prior)
        return scores

    def match(self, record: Record, top: int = 5, min_probability: float | None = None) -> list[Candidate]:
        """The best ``top`` persons for ``record`` with their probability and explanation,
        best first; persons below ``min_probability`` (default: the review threshold) are left
        out, and so are those a person could not usefully review (a veto; no minimum evidence with
        the sexes different: :meth:`MatchModel.reviewable`). Records added with :meth:`add` are
        searched too."""
        one = build_table([record], vocabs=self.table.vocabs, date_format=self.settings.date_format,
                          reference=self.settings.reference)
        key = (record.source, str(record.id))
        decided = {self._row[k]: same for k, same in self._decided.get(key, {}).items() if k in self._row}
        cands = self._candidates(one)
        if decided:  # a record decided "same" is a candidate even when no blocking key finds it
            cands = np.union1d(cands, np.fromiter(decided, np.int64))
        if cands.size == 0:
            return []
        n = len(self.table)
        main, recent = cands[cands < n], cands[cands >= n] - n
        scored = [(self.table, main, self._score(one, self.table, main))] if main.size else []
        if recent.size:
            scored.append((self._recent, recent, self._score(one, self._recent, recent)))
        same_persons = {self.persons[r] for r, same in decided.items() if same}
        other_persons = {self.persons[r] for r, same in decided.items() if not same}
        for t, rows, sc in scored:  # the decisions imposed on the scores, as the batch run does
            offset = 0 if t is self.table else n
            for k, row in enumerate(rows.tolist()):
                same = decided.get(row + offset)
                if same:
                    sc.match_weight[k] = max(float(sc.match_weight[k]), MUST_LINK_WEIGHT)
                    sc.veto[k] = False
                    if sc.evidence is not None:
                        sc.evidence[k] = True
                elif same is not None:
                    sc.veto[k] = True
        parts = [(t, rows, sc, self.model.reviewable(sc)) for t, rows, sc in scored]
        floor = self.settings.review if min_probability is None else min_probability
        ranked = sorted(
            ((float(sc.match_weight[k]), t, int(rows[k]), sc, k, ok[k],
              decided.get(int(rows[k]) + (0 if t is self.table else n)) is True)
             for t, rows, sc, ok in parts for k in range(len(rows))),
            key=lambda x: (not x[6], -x[0]),  # the records decided "same" first, then by weight
        )
        out: list[Candidate] = []
        seen: set[Hashable] = set()
        for weight, table, row, sc, k, reviewable, forced in ranked:
            person = self.persons[row if table is self.table else n + row]
            if person in seen or (person in other_persons and person not in same_persons):
                continue  # a person with a record decided "different" is never this record's
            p = float(sc.probability[k])
            if not forced and (p < floor or not reviewable):
                continue
            seen.add(person)
            expl = explain_pair(self.model, sc, k, key, table.key(row), one.describe(0), table.describe(row))
            expl["prior"] = self.prior
            expl["prior_weight"] = prior_weight(self.prior)
            if forced:
                expl["decision"] = "same"
            status = "accept" if p >= self.settings.accept and bool(sc.linkable[k]) else "review"
            out.append(Candidate(person, table.key(row), p, weight, status, expl))
            if len(out) >= top and not forced:
                break
        if not same_persons:
            return _ambiguous_to_review(out, self.ambiguity_margin)
        # A human said "same": that person and no other. Decisions naming two persons, or a person
        # also decided "different", are for a human again (the next batch run merges or splits).
        clear = len(same_persons) == 1 and not same_persons & other_persons
        return [replace(c, status="accept" if clear and c.person in same_persons else "review")
                if c.status == "accept" else c for c in out]

    def add(self, record: Record, person: Hashable) -> None:
        """Add a record (e.g. the new record once matched, or created as a new person)."""
        one = build_table([record], vocabs=self.table.vocabs, date_format=self.settings.date_format,
                          reference=self.settings.reference)
        self._recent = one if self._recent is None else self._recent.concat(one)
        row = len(self.table) + len(self._recent) - 1
        self.persons.append(person)
        if one.key(0) in self._decided:
            self._row[one.key(0)] = row
        values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for r, rule in enumerate(self.settings.blocking_rules):
            _, qkeys = rule_keys(one, rule, values)
            for k in qkeys.tolist():
                self._extra[r].setdefault(k, []).append(row)
