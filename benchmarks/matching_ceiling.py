"""How far the demo ground truth can be reached at all: a *supervised* ceiling for ``matching``.

    python benchmarks/matching_ceiling.py --sizes 10000,100000 [--seed 1]

The unsupervised engine is measured against the issue's target (cluster F1 ≥ 0.98 with precision
≥ 0.99). This script asks what a learner reaches when it is **given the answers**: boosted trees
(scikit-learn, a benchmark-only dependency) are trained on the ground truth of half of the
persons, on every candidate pair the blocking finds, with everything the engine knows of a pair —
each comparison's level, weight and frequency adjustment, the match weight — and context the
Fellegi–Sunter model does not use (how many other candidates each record has at several
probabilities, how far each pair is from its records' best link, the two sources, whether each
record has a birth date). Its accepted pairs are clustered by the engine's own clustering
(contradictions cut), and cluster-level precision / recall / F1 (pair counting) are measured on
the records of the *other* half of the persons, beside the engine's on the same records.

A learner that knows the answers is an optimistic bound for one that does not: where it stays
under the target, the target is out of reach of the information in the records, not of the model.
Also printed: the blocking recall on that half (true pairs among the candidates: a pair never
compared can only be found through a third record).
"""

from __future__ import annotations

import argparse
import os
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_data import generate, load  # noqa: E402

from matching import MatchSettings, cluster_metrics, link  # noqa: E402
from matching.cluster import cluster  # noqa: E402
from matching.linker import LinkResult, contradiction_fn  # noqa: E402

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def pair_features(result: LinkResult) -> tuple[np.ndarray, int]:
    """One row per scored pair; the first ``k`` columns are the comparisons' levels (categorical)."""
    scores, left, right, table = result.scores, result.left, result.right, result.table
    p = result.probability
    n = len(table)
    columns: list[np.ndarray] = [scores.levels.T, scores.weights.T, scores.tf.T, scores.match_weight[:, None]]
    for threshold in (0.05, 0.5, 0.95):
        degree = np.zeros(n)
        mask = p >= threshold
        np.add.at(degree, left[mask], 1)
        np.add.at(degree, right[mask], 1)
        columns += [np.minimum(degree[left], degree[right])[:, None], np.maximum(degree[left], degree[right])[:, None]]
    best = np.full(n, -1e9)
    np.maximum.at(best, left, scores.match_weight)
    np.maximum.at(best, right, scores.match_weight)
    columns += [(best[left] - scores.match_weight)[:, None], (best[right] - scores.match_weight)[:, None]]
    dated = table.birth_date > 0
    columns += [table.source[left][:, None], table.source[right][:, None], dated[left][:, None], dated[right][:, None]]
    return np.hstack(columns).astype(np.float64), scores.levels.shape[0]


def ceiling(size: int, seed: int, data: Path, workers: int) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    records, truth = load(generate(size, seed, data))
    # every candidate pair kept (review band down to ~0): the learner sees what the engine sees
    result = link(records, MatchSettings(workers=workers, review=1e-9), truth=truth)
    keys = result.table.keys()
    ids: dict[str, int] = {}
    person = np.asarray([ids.setdefault(truth[k], len(ids)) for k in keys])
    half = np.asarray([zlib.crc32(truth[k].encode()) % 2 for k in keys])
    left, right = result.left, result.right
    same = person[left] == person[right]
    train = (half[left] == 0) & (half[right] == 0)
    test = (half[left] == 1) & (half[right] == 1)
    test_keys = [k for k, h in zip(keys, half.tolist(), strict=False) if h == 1]
    test_truth = {k: truth[k] for k in test_keys}

    features, k = pair_features(result)
    model = HistGradientBoostingClassifier(max_iter=400, categorical_features=list(range(k)), random_state=seed)
    model.fit(features[train], same[train])
    q = model.predict_proba(features)[:, 1]
    weight = np.log2(np.clip(q, 1e-9, 1 - 1e-9) / np.clip(1 - q, 1e-9, 1))
    contradicts = contradiction_fn(result.table, result.model, set())

    print(f"== {size:,} enregistrements ({len(test_keys):,} dans la moitié évaluée ; "
          f"rappel du blocage : {result.stats['blocking_recall']:.4f})", flush=True)
    clusters = result.clusters
    ours = cluster_metrics({key: clusters[key] for key in test_keys}, test_truth)
    print(f"  matching (sans étiquettes)   P={ours.precision:.4f} R={ours.recall:.4f} F1={ours.f1:.4f}", flush=True)
    best, best_precise = None, None
    for threshold in THRESHOLDS:
        accepted = test & (q >= threshold)
        labels, _ = cluster(len(keys), left[accepted], right[accepted], weight[accepted], contradicts)
        m = cluster_metrics({key: int(labels[i]) for i, key in enumerate(keys) if half[i] == 1}, test_truth)
        print(f"  plafond supervisé, seuil {threshold:.2f} P={m.precision:.4f} R={m.recall:.4f} F1={m.f1:.4f}",
              flush=True)
        if best is None or m.f1 > best[1].f1:
            best = (threshold, m)
        if m.precision >= 0.99 and (best_precise is None or m.f1 > best_precise[1].f1):
            best_precise = (threshold, m)
    assert best is not None
    print(f"  meilleur plafond : F1={best[1].f1:.4f} (P={best[1].precision:.4f}, seuil {best[0]:.2f})")
    if best_precise:
        print(f"  meilleur plafond à précision ≥ 0,99 : F1={best_precise[1].f1:.4f} "
              f"(R={best_precise[1].recall:.4f}, seuil {best_precise[0]:.2f})")
    else:
        print("  à précision ≥ 0,99 : aucun seuil du plafond ne l'atteint")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000",
                        help="nombres d'enregistrements sources, séparés par des virgules")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mrf-bench-matching")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.sizes.split(",")):
        ceiling(size, args.seed, args.data, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
