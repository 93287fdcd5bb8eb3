"""Quality against a ground truth: pairwise, cluster-level (pairs implied by clusters) and B-cubed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .records import RecordKey


@dataclass(frozen=True)
class Metrics:
    precision: float
    recall: float
    f1: float
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _metrics(tp: int, fp: int, fn: int) -> Metrics:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Metrics(p, r, f, tp, fp, fn)


def _codes(keys: Iterable[RecordKey], mapping: Mapping[RecordKey, Any]) -> np.ndarray:
    ids: dict[Any, int] = {}
    return np.asarray([ids.setdefault(mapping[k], len(ids)) if k in mapping else -1 for k in keys], np.int64)


def _true_pair_count(truth_codes: np.ndarray) -> int:
    t = truth_codes[truth_codes >= 0]
    _, c = np.unique(t, return_counts=True)
    return int((c * (c - 1) // 2).sum())


def pairwise_metrics(pairs: Iterable[tuple[RecordKey, RecordKey]], truth: Mapping[RecordKey, Any]) -> Metrics:
    """Precision/recall of a set of predicted pairs against the pairs of records of one person."""
    seen: set[tuple[RecordKey, RecordKey]] = set()
    tp = fp = 0
    for a, b in pairs:
        key = (a, b) if a <= b else (b, a)
        if key in seen:
            continue
        seen.add(key)
        if a in truth and b in truth and truth[a] == truth[b]:
            tp += 1
        else:
            fp += 1
    keys = list(truth)
    total = _true_pair_count(_codes(keys, truth))
    return _metrics(tp, fp, total - tp)


def cluster_metrics(clusters: Mapping[RecordKey, Any], truth: Mapping[RecordKey, Any]) -> Metrics:
    """Pair counting: the pairs implied by the clusters (every two records of one cluster)
    against the true pairs. Records absent from ``clusters`` count as singletons."""
    keys = list(truth)
    t = _codes(keys, truth)
    ids: dict[Any, int] = {}
    c = np.asarray(
        [ids.setdefault(clusters[k], len(ids)) if k in clusters else -(i + 2) for i, k in enumerate(keys)], np.int64
    )
    # contingency of (cluster, person)
    _, pair_counts = np.unique(np.stack([c, t]), axis=1, return_counts=True)
    tp = int((pair_counts * (pair_counts - 1) // 2).sum())
    _, cc = np.unique(c, return_counts=True)
    predicted = int((cc * (cc - 1) // 2).sum())
    total = _true_pair_count(t)
    return _metrics(tp, predicted - tp, total - tp)


def bcubed_metrics(clusters: Mapping[RecordKey, Any], truth: Mapping[RecordKey, Any]) -> Metrics:
    """B-cubed precision and recall (averaged over records)."""
    keys = list(truth)
    t = _codes(keys, truth)
    ids: dict[Any, int] = {}
    c = np.asarray(
        [ids.setdefault(clusters[k], len(ids)) if k in clusters else -(i + 2) for i, k in enumerate(keys)], np.int64
    )
    both, inv_both = np.unique(np.stack([c, t]), axis=1, return_inverse=True)
    n_both = np.bincount(inv_both.reshape(-1))[inv_both.reshape(-1)]
    _, inv_c, n_c = np.unique(c, return_inverse=True, return_counts=True)
    _, inv_t, n_t = np.unique(t, return_inverse=True, return_counts=True)
    p = float((n_both / n_c[inv_c.reshape(-1)]).mean()) if len(keys) else 1.0
    r = float((n_both / n_t[inv_t.reshape(-1)]).mean()) if len(keys) else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Metrics(p, r, f)
