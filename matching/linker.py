"""The batch entry point: normalise, block, (train), score, cluster, explain."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .blocking import blocking_recall, candidate_pairs
from .cluster import Contradictions, cluster
from .comparisons import PairBatch
from .explain import explain_pair
from .labels import MUST_LINK_WEIGHT, refine
from .model import MatchModel, Scores, compare_all
from .records import Record, RecordKey
from .settings import MatchSettings
from .table import RecordTable, build_table
from .training import train

Progress = Callable[[str], None]
#: cut capacity of a link a reviewer decided: more than all the model's links of a cluster together
MUST_LINK_CAPACITY = 1e9


@dataclass(frozen=True)
class LinkedPair:
    """A scored pair. ``status``: ``accepted`` (linked, in one cluster), ``review`` (probability
    in the review band), ``split`` (accepted but separated by the clustering because of a
    contradiction inside its cluster)."""

    left: RecordKey
    right: RecordKey
    probability: float
    match_weight: float
    status: str
    _result: LinkResult = field(repr=False, compare=False)
    _k: int = field(repr=False, compare=False)

    @property
    def explanation(self) -> dict[str, Any]:
        return self._result.explain_index(self._k)


class PairList(Sequence[LinkedPair]):
    """Pairs backed by arrays; explanations are built on access."""

    def __init__(self, result: LinkResult, idx: np.ndarray, status: np.ndarray) -> None:
        self._result = result
        self._idx = idx
        self._status = status

    def __len__(self) -> int:
        return len(self._idx)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        k = int(self._idx[i])
        r = self._result
        return LinkedPair(
            left=r.table.key(int(r.left[k])),
            right=r.table.key(int(r.right[k])),
            probability=float(r.probability[k]),
            match_weight=float(r.scores.match_weight[k]),
            status=str(self._status[i]),
            _result=r,
            _k=k,
        )

    def __iter__(self) -> Iterator[LinkedPair]:
        for i in range(len(self)):
            yield self[i]

    def keys(self) -> list[tuple[RecordKey, RecordKey]]:
        """(left, right) record keys of every pair, fast (no explanation built)."""
        r = self._result
        names = r.table.vocabs.source.values
        ids = r.table.ids
        src = r.table.source
        out = []
        for k in self._idx.tolist():
            i, j = int(r.left[k]), int(r.right[k])
            out.append(((names[src[i]], ids[i]), (names[src[j]], ids[j])))
        return out
    @property
    def indices(self) -> np.ndarray:
        """Row indices (into :attr:`LinkResult.left` / ``right``) of these pairs."""
        return self._idx


@dataclass
class LinkResult:
    """Outcome of :func:`link`.

    * ``pairs``: accepted pairs whose two records ended in the same cluster;
    * ``review_pairs``: pairs in the review band, and accepted pairs separated by the clustering;
    * ``clusters``: (source, id) → cluster number (every record, singletons included);
    * ``model``: the model used (trained on the data unless one was given), JSON-serialisable;
    * ``stats``: counts, timings, blocking statistics (and blocking recall when truth is given).
    """

    model: MatchModel
    table: RecordTable
    left: np.ndarray  # row indices of the kept scored pairs (probability ≥ review)
    right: np.ndarray
    scores: Scores
    labels: np.ndarray  # cluster of each row
    stats: dict[str, Any]
    pairs: PairList = field(init=False)
    review_pairs: PairList = field(init=False)
    _accepted: np.ndarray = field(init=False, repr=False)
    _probability: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._probability = self.scores.probability
        p = self._probability
        accepted = (p >= self.model.settings.accept) & self.scores.linkable
        same = self.labels[self.left] == self.labels[self.right]
        final = accepted & same
        reviewable = self.model.reviewable(self.scores)
        review = (~accepted & (p >= self.model.settings.review) & reviewable) | (accepted & ~same)
        self._accepted = final
        idx_final = np.nonzero(final)[0]
        idx_review = np.nonzero(review)[0]
        self.pairs = PairList(self, idx_final, np.full(len(idx_final), "accepted", dtype=object))
        status = np.where(accepted[idx_review], "split", "review").astype(object)
        self.review_pairs = PairList(self, idx_review, status)

    @property
    def probability(self) -> np.ndarray:
        """Match probability of each kept scored pair (rows of ``left`` / ``right``)."""
        return self._probability

    @property
    def clusters(self) -> dict[RecordKey, int]:
        return dict(zip(self.table.keys(), self.labels.tolist(), strict=True))

    def cluster_members(self) -> dict[int, list[RecordKey]]:
        out: dict[int, list[RecordKey]] = {}
        for key, label in zip(self.table.keys(), self.labels.tolist(), strict=True):
            out.setdefault(label, []).append(key)
        return out

    def explain_index(self, k: int) -> dict[str, Any]:
        i, j = int(self.left[k]), int(self.right[k])
        return explain_pair(
            self.model, self.scores, k, self.table.key(i), self.table.key(j),
            self.table.describe(i), self.table.describe(j),
        )

    def explain(self, left: RecordKey, right: RecordKey) -> dict[str, Any]:
        """Explanation of any pair of records of the linkage (scored now if it was not kept)."""
        keys = {key: i for i, key in enumerate(self.table.keys())}
        i, j = keys[left], keys[right]
        batch = PairBatch(self.table, self.table, np.array([i]), np.array([j]), 1)
        scores = self.model.score(compare_all(self.model.settings.comparisons, batch))
        return explain_pair(
            self.model, scores, 0, left, right, self.table.describe(i), self.table.describe(j)
        )


def contradiction_fn(
    table: RecordTable, model: MatchModel, cannot: set[tuple[int, int]], must: set[tuple[int, int]] | None = None
) -> Callable[[np.ndarray, np.ndarray], Contradictions]:
    """What the clustering asks of two records of one component: a hard contradiction (a veto
    level, or a human "different persons" decision in ``cannot``), first names without relation
    (soft), or first names compatible. A human "same person" decision (``must``, row pairs
    lower first) is never a contradiction, whatever the fields say."""
    comps = [c for c in model.settings.comparisons if c.veto_levels().any()]

    def contradicts(a: np.ndarray, b: np.ndarray) -> Contradictions:
        hard = np.zeros(len(a), dtype=bool)
        soft = np.zeros(len(a), dtype=bool)
        compatible = np.zeros(len(a), dtype=bool)
        if len(a) == 0:
            return Contradictions(hard, soft, compatible)
        batch = PairBatch(table, table, a, b, model.settings.workers)
        for c in comps:
            levels = c.compare(batch).levels
            vetoed = c.veto_levels()[levels]
            if c.kind == "first_names":
                soft |= vetoed
                names = c.level_names()
                ok = [names.index(x) for x in ("exact", "subset", "subset_later", "fuzzy", "phonetic") if x in names]
                compatible |= np.isin(levels, ok)
            else:
                hard |= vetoed
        if cannot:
            codes = (np.minimum(a, b).astype(np.int64) << 32) | np.maximum(a, b)
            hard |= np.isin(codes, np.asarray([(x << 32) | y for x, y in cannot], np.int64))
        if must:
            codes = (np.minimum(a, b).astype(np.int64) << 32) | np.maximum(a, b)
            same = np.isin(codes, np.asarray([(x << 32) | y for x, y in must], np.int64))
            hard &= ~same
            soft &= ~same
            compatible |= same
        return Contradictions(hard, soft, compatible)

    return contradicts


def prepare(records: Sequence[Record], settings: MatchSettings, model: MatchModel | None, say: Progress,
            timings: dict[str, float]) -> tuple[RecordTable, MatchModel]:
    """The first two steps of every run: the normalised table (two records with one key refused) and the
    model, trained on it unless given; their durations in ``timings``."""
    t = time.perf_counter()
    say(f"Normalisation de {len(records)} enregistrements…")
    table = build_table(records, date_format=settings.date_format, reference=settings.reference)
    if len(set(table.keys())) != len(table):
        raise ValueError("deux enregistrements ont la même source et le même identifiant")
    timings["normalisation"] = time.perf_counter() - t
    t = time.perf_counter()
    if model is None:
        say("Estimation du modèle (u sur paires aléatoires, m par EM)…")
        model = train(table, settings)
    timings["training"] = time.perf_counter() - t
    return table, model


def link(
    records: Sequence[Record],
    settings: MatchSettings | None = None,
    model: MatchModel | None = None,
    truth: Mapping[RecordKey, Any] | None = None,
    decisions: Mapping[tuple[RecordKey, RecordKey], bool] | None = None,
    progress: Progress | None = None,
    learn_from_decisions: bool = True,
    learn_from: Collection[tuple[RecordKey, RecordKey]] | None = None,
) -> LinkResult:
    """Link and deduplicate ``records`` (any number of sources, each against the others and
    itself).

    ``model``: a trained model to reuse (its settings then apply); otherwise one is trained on
    the records. ``truth``: (source, id) → person, to report the blocking recall. ``decisions``:
    human decisions on pairs (True = same person, False = different), which override the model
    and, with ``learn_from_decisions``, refine it (:func:`matching.labels.learn`: m re-estimated,
    acceptance threshold set by the labels). ``learn_from``: the pairs of ``decisions`` that are human
    labels to learn from (default: all); the others (e.g. an application's "keep existing accounts
    together" must-links) are imposed without being learned.
    """
    say = progress or (lambda _msg: None)
    settings = model.settings if model is not None else (settings or MatchSettings())
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    table, model = prepare(records, settings, model, say, timings)
    keys = table.keys()
    position = {key: i for i, key in enumerate(keys)}

    t = time.perf_counter()
    say("Blocage : recherche des paires candidates…")
    cands = candidate_pairs(table, settings.blocking_rules)
    timings["blocking"] = time.perf_counter() - t
    say(f"{len(cands)} paires candidates.")

    t = time.perf_counter()
    names = [c.name for c in settings.comparisons]
    kept_scores: list[Scores] = []
    kept_left: list[np.ndarray] = []
    kept_right: list[np.ndarray] = []
    done = 0
    for li, ri in cands.chunks(settings.chunk_size):
        batch = PairBatch(table, table, li, ri, settings.workers)
        scores = model.score(compare_all(settings.comparisons, batch))
        keep = np.nonzero(scores.probability >= settings.review)[0]
        kept_scores.append(scores.take(keep))
        kept_left.append(li[keep])
        kept_right.append(ri[keep])
        done += len(li)
        say(f"Comparaison : {done}/{len(cands)} paires évaluées.")
    scores = Scores.concat(kept_scores, names)
    left = np.concatenate(kept_left) if kept_left else np.zeros(0, np.int64)
    right = np.concatenate(kept_right) if kept_right else np.zeros(0, np.int64)

    cannot: set[tuple[int, int]] = set()
    must: set[tuple[int, int]] = set()
    if decisions:
        must_l, must_r = [], []
        for (ka, kb), same in decisions.items():
            if ka not in position or kb not in position:
                continue
            a, b = sorted((position[ka], position[kb]))
            if same:
                must_l.append(a)
                must_r.append(b)
            else:
                cannot.add((a, b))
        must = set(zip(must_l, must_r, strict=True))
        pair_codes = (left << 32) | right
        if must_l:
            codes = (np.asarray(must_l, np.int64) << 32) | np.asarray(must_r, np.int64)
            new = ~np.isin(codes, pair_codes)
            if new.any():
                batch = PairBatch(table, table, codes[new] >> 32, codes[new] & 0xFFFFFFFF, 1)
                extra = model.score(compare_all(settings.comparisons, batch))
                scores = Scores.concat([scores, extra], names)
                left = np.concatenate([left, codes[new] >> 32])
                right = np.concatenate([right, codes[new] & 0xFFFFFFFF])
                pair_codes = (left << 32) | right
        if learn_from_decisions:  # learn before the decisions are imposed on the scores
            decided = must | cannot
            if learn_from is not None:
                human = {tuple(sorted((position[a], position[b]))) for a, b in learn_from
                         if a in position and b in position}
                decided = decided & human
                must_learn = must & human
            else:
                must_learn = must
            all_codes = np.asarray([(x << 32) | y for x, y in decided], np.int64)
            same_codes = np.asarray([(x << 32) | y for x, y in must_learn], np.int64)
            labelled = np.isin(pair_codes, all_codes)
            model, scores = refine(model, scores, np.isin(pair_codes, same_codes), labelled)
            settings = model.settings
            say(f"Modèle affiné par {int(labelled.sum())} décisions ; seuil d'acceptation {settings.accept:.3f}.")
        if must_l:
            codes = (np.asarray(must_l, np.int64) << 32) | np.asarray(must_r, np.int64)
            forced = np.isin(pair_codes, codes)
            scores.match_weight[forced] = np.maximum(scores.match_weight[forced], MUST_LINK_WEIGHT)
            scores.veto[forced] = False
            if scores.evidence is not None:
                scores.evidence[forced] = True
        if cannot:
            codes = np.asarray([(a << 32) | b for a, b in cannot], np.int64)
            scores.veto[np.isin(pair_codes, codes)] = True
    timings["scoring"] = time.perf_counter() - t

    t = time.perf_counter()
    say("Regroupement des liens en personnes…")
    prob = scores.probability
    accepted = (prob >= settings.accept) & scores.linkable
    capacity = scores.match_weight[accepted].astype(np.float64)
    if must:  # a human "same person" link is never the one a split cuts
        codes = (left[accepted] << 32) | right[accepted]
        capacity[np.isin(codes, np.asarray([(x << 32) | y for x, y in must], np.int64))] = MUST_LINK_CAPACITY
    labels, _ = cluster(
        len(table), left[accepted], right[accepted], capacity, contradiction_fn(table, model, cannot, must),
    )
    timings["clustering"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    stats: dict[str, Any] = {
        "records": len(table),
        "sources": {s: int((table.source == i).sum()) for i, s in enumerate(table.vocabs.source.values)},
        "candidate_pairs": len(cands),
        "blocking_rules": [r.to_dict() for r in cands.rules],
        "scored_pairs_kept": int(len(left)),
        "accepted_links": int(accepted.sum()),
        "vetoed_pairs_kept": int(scores.veto.sum()),
        "clusters": int(labels.max() + 1) if len(labels) else 0,
        "prior": model.prior,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
    if truth is not None:
        person_ids: dict[Any, int] = {}
        truth_arr = np.asarray(
            [person_ids.setdefault(truth[k], len(person_ids)) if k in truth else -1 for k in keys], np.int64
        )
        recall, found, total = blocking_recall(cands, truth_arr)
        stats["blocking_recall"] = recall
        stats["true_pairs"] = total
        stats["true_pairs_in_candidates"] = found
    result = LinkResult(model=model, table=table, left=left, right=right, scores=scores, labels=labels, stats=stats)
    stats["pairs"] = len(result.pairs)
    stats["review_pairs"] = len(result.review_pairs)
    say(f"Terminé : {stats['clusters']} personnes, {len(result.pairs)} liens, "
        f"{len(result.review_pairs)} paires à revoir ({timings['total']:.1f} s).")
    return result
