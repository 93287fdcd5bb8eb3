"""Learning from the reviewers' decisions, simulated on the demo truth.

    python benchmarks/matching_labels.py [--size 100000] [--labels 0,200,1000] [--seed 1]

A first run gives the review queue; the reviewer decides its pairs from the truth, the most
uncertain first (match weight nearest 0); a second run takes N decisions (``link(...,
decisions=...)``: imposed as must-link / cannot-link, m re-estimated, acceptance threshold set).
Printed for each N: cluster precision / recall / F1, B-cubed F1, pair recall among pairs at
precision ≥ 0.99, review queue left, acceptance threshold, and the same with the decisions only
imposed (not learnt from).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_data import generate, load  # noqa: E402

from matching import MatchSettings, bcubed_metrics, cluster_metrics, link  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--labels", default="0,200,1000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label-prior", type=int, default=MatchSettings().label_prior_pairs,
                        help="poids de l'estimation EM, en paires étiquetées (MatchSettings.label_prior_pairs)")
    parser.add_argument("--imposed", action="store_true", help="mesurer aussi les décisions seulement imposées")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mrf-bench-matching")
    args = parser.parse_args(argv)
    records, truth = load(generate(args.size, args.seed, args.data))
    first = link(records, MatchSettings(workers=2), truth=truth)
    queue = sorted(first.review_pairs, key=lambda p: abs(p.match_weight))
    print(f"== {len(records):,} enregistrements : {len(queue)} paires en revue au premier passage "
          f"({100 * len(queue) / len(records):.1f} pour 100 fiches, "
          f"{sum(truth[p.left] == truth[p.right] for p in queue)} vraies)", flush=True)
    for n in (int(x) for x in args.labels.split(",")):
        decisions = {(p.left, p.right): truth[p.left] == truth[p.right] for p in queue[:n]}
        for learn in ((True, False) if n and args.imposed else (True,)):
            t = time.perf_counter()
            settings = MatchSettings(workers=2, label_prior_pairs=args.label_prior)
            r = link(records, settings, decisions=decisions, learn_from_decisions=learn)
            elapsed = time.perf_counter() - t
            cm, b3 = cluster_metrics(r.clusters, truth), bcubed_metrics(r.clusters, truth)
            left = len(r.review_pairs)
            how = "apprises" if learn else "imposées"
            print(f"  {len(decisions):5d} décisions {how:8s} groupes P={cm.precision:.4f} R={cm.recall:.4f} "
                  f"F1={cm.f1:.4f} | B3 F1={b3.f1:.4f} | revue restante {left} "
                  f"({1000 * left / len(records):.1f} pour 1 000 fiches) | seuil {r.model.settings.accept:.3f} "
                  f"| {elapsed:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
