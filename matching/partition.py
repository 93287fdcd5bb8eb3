"""The batch linkage split into partitions run in separate processes, with the same output as
:func:`matching.link` (docs/scale.md).

1. **Normalisation and global statistics** (this process): the records are normalised once; the
   statistics every partition must share — value frequencies, first names' sexes, households —
   are computed on the whole population, as is the model (trained on it, or given).
2. **Partition rule**: each record goes to the partition of its address's département; the
   départements are spread over the partitions by size (largest first, to the least loaded;
   a record without département forms one more "département"). The rule depends only on the
   counts and codes, not on the order of the records.
3. **National pass** (this process, while the partitions run): every blocking rule's keys are
   computed on all records — a few integers per record — and the pairs sharing a key whose two
   records lie in different partitions are scored here. Blocks too large for a rule are found
   on the whole population too, so that a partition never pairs a block the single run skips.
4. **Partitions** (one process each, ``fork``: the normalised table is shared, not copied):
   blocking, scoring and clustering of the pairs inside the partition.
5. **Merge**: union–find over every accepted link; a component without a cross-partition link
   keeps its partition's clusters, the others (people who moved, homonyms in two départements)
   are clustered again here, over all their links.

The result is a :class:`matching.LinkResult`, so that explanations, review pairs and CSV outputs
work as after a single run. Human decisions (``decisions=``) are not taken by this path yet.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from .blocking import BlockingRule, RuleStats, _block_pairs, rule_keys, sorted_unique
from .cluster import cluster, connected_components
from .comparisons import PairBatch
from .linker import LinkResult, Progress, contradiction_fn, prepare
from .model import MatchModel, Scores, compare_all
from .records import Record
from .settings import MatchSettings
from .table import RecordTable

#: the statistics a partition takes from the whole population (see RecordTable.frequencies)
FREQUENCY_KINDS = ("surname", "first_names", "first_name")
NO_DEPARTEMENT = ""


def partition_of_records(table: RecordTable, partitions: int) -> tuple[np.ndarray, dict[str, int]]:
    """(partition of each record, partition of each département): départements by decreasing
    size, each to the least loaded partition (lowest number on a tie)."""
    if partitions < 1:
        raise ValueError("le nombre de partitions doit être au moins 1")
    names = np.asarray(list(table.vocabs.departement.values) + [NO_DEPARTEMENT], dtype=object)
    codes = np.where(table.departement >= 0, table.departement, len(names) - 1)
    counts = np.bincount(codes, minlength=len(names))
    order = sorted((-int(counts[c]), str(names[c]), c) for c in np.nonzero(counts)[0].tolist())
    load = [0] * partitions
    of_code = np.zeros(len(names), np.int64)
    mapping: dict[str, int] = {}
    for neg, name, c in order:
        p = min(range(partitions), key=lambda k: (load[k], k))
        load[p] -= neg
        of_code[c] = p
        mapping[name] = p
    return of_code[codes], mapping


def share_statistics(full: RecordTable, part: RecordTable, rows: np.ndarray) -> None:
    """Give ``part`` (``full.take(rows)``) the whole population's statistics: the frequencies a
    partition would count alone differ, and so would the weights."""
    for what in FREQUENCY_KINDS:
        part.memo[what] = full.frequencies(what)
    part.memo["first_name_sexes"] = full.first_name_sexes()
    address, keys = full.household_keys()
    part.memo["household"] = address[rows]
    part.memo["household_keys"] = keys


@dataclass
class _Shared:
    """What the partition processes inherit at fork (nothing is pickled to them)."""

    table: RecordTable
    model: MatchModel
    assignment: np.ndarray
    too_big: list[np.ndarray]  # per rule: keys whose block the single run skips


_SHARED: _Shared | None = None


def _scored(table: RecordTable, model: MatchModel, left: np.ndarray, right: np.ndarray,
            reference: RecordTable | None = None) -> tuple[np.ndarray, np.ndarray, Scores]:
    """Score pairs by chunks (as :func:`matching.link`), keeping those at or above ``review``."""
    s = model.settings
    names = [c.name for c in s.comparisons]
    kept_l, kept_r, kept_s = [], [], []
    for start in range(0, len(left), s.chunk_size):
        li, ri = left[start:start + s.chunk_size], right[start:start + s.chunk_size]
        scores = model.score(compare_all(s.comparisons, PairBatch(table, table, li, ri, s.workers, reference)))
        keep = np.nonzero(scores.probability >= s.review)[0]
        kept_l.append(li[keep])
        kept_r.append(ri[keep])
        kept_s.append(scores.take(keep))
    empty = np.zeros(0, np.int64)
    return (np.concatenate(kept_l) if kept_l else empty, np.concatenate(kept_r) if kept_r else empty,
            Scores.concat(kept_s, names))


def _accepted(model: MatchModel, scores: Scores) -> np.ndarray:
    return (scores.probability >= model.settings.accept) & scores.linkable


def _run_partition(p: int) -> dict[str, Any]:
    """One partition: its pairs (global row numbers), their scores and its clusters."""
    assert _SHARED is not None, "partition processes are forked from partitioned_link"
    t0 = time.perf_counter()
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    full, model = _SHARED.table, _SHARED.model
    rows = np.nonzero(_SHARED.assignment == p)[0]
    part = full.take(rows)
    share_statistics(full, part, rows)
    codes, stats = [], []
    for rule, too_big in zip(model.settings.blocking_rules, _SHARED.too_big, strict=True):
        rec, key = rule_keys(part, rule)
        keep = ~np.isin(key, too_big)
        c, _, _ = _block_pairs(rec[keep], key[keep], rule.max_block_size)
        codes.append(c)
        stats.append(int(c.size))
    union = sorted_unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
    left, right, scores = _scored(part, model, union >> 32, union & 0xFFFFFFFF)
    acc = _accepted(model, scores)
    labels, _ = cluster(len(part), left[acc], right[acc], scores.match_weight[acc].astype(np.float64),
                        contradiction_fn(part, model, set()))
    return {
        "partition": p, "records": len(rows), "candidate_pairs": int(union.size),
        "left": rows[left], "right": rows[right], "scores": scores, "rows": rows, "labels": labels,
        "time_s": time.perf_counter() - t0, "pid": os.getpid(),
        # ru_maxrss of a forked child starts at the parent's resident size (pages shared, not copied)
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "rss_at_fork_mb": rss_start / 1024.0,
    }


def national_pass(table: RecordTable, rules: Sequence[BlockingRule], assignment: np.ndarray,
                  national_rules: Sequence[str] | None = None) -> tuple[np.ndarray, list[np.ndarray], list[RuleStats]]:
    """(sorted cross-partition pair codes ``i << 32 | j``, keys of the blocks too large for each rule,
    statistics per rule). ``national_rules``: names of the rules whose cross pairs are kept (all by
    default — a subset loses the pairs only the others find; docs/scale.md counts them)."""
    unknown = sorted(set(national_rules or ()) - {rule.name for rule in rules})
    if unknown:
        raise ValueError(f"règle de blocage inconnue pour la passe nationale : {', '.join(unknown)}")
    cross, too_big, stats = np.zeros(0, np.int64), [], []
    for rule in rules:
        rec, key = rule_keys(table, rule)
        order = np.lexsort((rec, key))
        rec, key = rec[order], key[order]
        dup = np.zeros(len(rec), bool)
        dup[1:] = (key[1:] == key[:-1]) & (rec[1:] == rec[:-1])
        rec, key = rec[~dup], key[~dup]
        starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if key.size else np.zeros(0, np.int64)
        sizes = np.diff(np.concatenate([starts, [len(key)]])).astype(np.int64)
        big = sizes > rule.max_block_size
        too_big.append(key[starts[big]])
        if national_rules is not None and rule.name not in national_rules:
            stats.append(RuleStats(rule.name, 0, 0, int(big.sum()), int(sizes[big].sum())))
            continue
        # blocks holding records of two partitions or more: their first and last partitions differ
        part = assignment[rec]
        block = np.repeat(np.arange(len(starts)), sizes)
        lo = np.minimum.reduceat(part, starts) if starts.size else part[:0]
        hi = np.maximum.reduceat(part, starts) if starts.size else part[:0]
        mixed = ((lo != hi) & ~big)[block]
        codes, _, _ = _block_pairs(rec[mixed], key[mixed], rule.max_block_size)
        codes = codes[assignment[codes >> 32] != assignment[codes & 0xFFFFFFFF]]
        new = codes[~np.isin(codes, cross)]
        stats.append(RuleStats(rule.name, int(codes.size), int(new.size), int(big.sum()), int(sizes[big].sum())))
        cross = np.sort(np.concatenate([cross, new]))
    return cross, too_big, stats


def _merge_labels(n: int, results: list[dict[str, Any]], left: np.ndarray, right: np.ndarray,
                  scores: Scores, cross: np.ndarray, model: MatchModel, table: RecordTable) -> tuple[np.ndarray, dict]:
    """Final clusters: the partitions' own where no cross-partition link reaches, the others
    clustered again over all their accepted links."""
    acc = _accepted(model, scores)
    al, ar, aw = left[acc], right[acc], scores.match_weight[acc].astype(np.float64)
    component = connected_components(n, al, ar)
    is_cross = np.isin((al << 32) | ar, cross)
    touched = np.unique(component[al[is_cross]])
    # (partition, local cluster) of every record, as one number; touched components renumbered below
    key = np.zeros(n, np.int64)
    for res in results:
        key[res["rows"]] = (np.int64(res["partition"]) << 40) | res["labels"]
    redo = np.isin(component, touched)
    nodes = np.nonzero(redo)[0]
    if nodes.size:
        in_redo = redo[al]
        local = np.searchsorted(nodes, al[in_redo]), np.searchsorted(nodes, ar[in_redo])
        check = contradiction_fn(table, model, set())
        sub, _ = cluster(len(nodes), local[0], local[1], aw[in_redo],
                         lambda a, b: check(nodes[a], nodes[b]))
        key[nodes] = (np.int64(1) << 60) | sub
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    labels = np.argsort(np.argsort(first))[inverse.reshape(-1)].astype(np.int64)
    return labels, {"cross_accepted_links": int(is_cross.sum()), "components_reclustered": int(touched.size),
                    "records_reclustered": int(nodes.size)}


def partitioned_link(
    records: Sequence[Record],
    partitions: int = 2,
    settings: MatchSettings | None = None,
    model: MatchModel | None = None,
    national_rules: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """:func:`matching.link` run over ``partitions`` processes (see the module's documentation):
    the same clusters, pairs and scores as the single run with the same model."""
    global _SHARED
    say = progress or (lambda _msg: None)
    settings = model.settings if model is not None else (settings or MatchSettings())
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    table, model = prepare(records, settings, model, say, timings)
    t = time.perf_counter()
    for what in FREQUENCY_KINDS:  # computed once here, shared by the forked partitions
        table.frequencies(what)
    table.first_name_sexes()
    table.household_keys()
    timings["normalisation"] += time.perf_counter() - t
    t = time.perf_counter()
    assignment, by_departement = partition_of_records(table, partitions)
    cross, too_big, rule_stats = national_pass(table, model.settings.blocking_rules, assignment, national_rules)
    timings["national_blocking"] = time.perf_counter() - t
    sizes = np.bincount(assignment, minlength=partitions).tolist()
    say(f"{partitions} partitions ({', '.join(map(str, sizes))} enregistrements) ; "
        f"{cross.size} paires candidates entre partitions.")

    t = time.perf_counter()
    _SHARED = _Shared(table, model, assignment, too_big)
    try:
        ctx = multiprocessing.get_context("fork")
        # more processes at once than cores would only add memory: the others wait their turn
        with ProcessPoolExecutor(max_workers=min(partitions, os.cpu_count() or 1), mp_context=ctx) as pool:
            futures = [pool.submit(_run_partition, p) for p in range(partitions)]
            tc = time.perf_counter()
            cl, cr, cscores = _scored(table, model, cross >> 32, cross & 0xFFFFFFFF)
            timings["national_scoring"] = time.perf_counter() - tc
            results = [f.result() for f in futures]
    finally:
        _SHARED = None
    timings["partitions"] = time.perf_counter() - t
    say("Partitions terminées ; fusion des groupes…")

    t = time.perf_counter()
    names = [c.name for c in model.settings.comparisons]
    left = np.concatenate([r["left"] for r in results] + [cl])
    right = np.concatenate([r["right"] for r in results] + [cr])
    scores = Scores.concat([r["scores"] for r in results] + [cscores], names)
    order = np.argsort((left << 32) | right, kind="stable")  # the single run's order: by pair
    left, right, scores = left[order], right[order], scores.take(order)
    labels, merge = _merge_labels(len(table), results, left, right, scores, cross, model, table)
    timings["merge"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    stats: dict[str, Any] = {
        "records": len(table),
        "sources": {s: int((table.source == i).sum()) for i, s in enumerate(table.vocabs.source.values)},
        "candidate_pairs": int(sum(r["candidate_pairs"] for r in results) + cross.size),
        "scored_pairs_kept": int(len(left)),
        "accepted_links": int(_accepted(model, scores).sum()),
        "clusters": int(labels.max() + 1) if len(labels) else 0,
        "prior": model.prior,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "partitions": [{k: v for k, v in r.items() if k not in ("left", "right", "scores", "rows", "labels")}
                       for r in results],
        "departements": by_departement,
        "national": {"candidate_pairs": int(cross.size), "kept_pairs": int(len(cl)),
                     "rules": [s.to_dict() for s in rule_stats], **merge},
    }
    result = LinkResult(model=model, table=table, left=left, right=right, scores=scores, labels=labels, stats=stats)
    stats["pairs"] = len(result.pairs)
    stats["review_pairs"] = len(result.review_pairs)
    say(f"Terminé : {stats['clusters']} personnes, {len(result.pairs)} liens, "
        f"{len(result.review_pairs)} paires à revoir ({timings['total']:.1f} s).")
    return result
