"""Validation of the evaluation: does the 95 % interval hold the true effect 95 % of the time?

    .venv/bin/python benchmarks/evaluation.py                      # 500 seeds, 300 debtors per group
    .venv/bin/python benchmarks/evaluation.py --seeds 200 --per-group 100

For each seed: a fresh panel (dues per product drawn log-normal, products held with the shares of a
panel of common debtors), randomised half treated, recoveries simulated by the documented model
(panels.evaluation_simulation), then panels.evaluation_estimate.evaluate. Prints per product the true
difference, the mean estimate and its bias, the coverage of the 95 % intervals (target 93–97 %) for
the difference and the difference-in-differences, the mean interval width and the minimal detectable
effect. Exits 1 when a coverage falls outside the target band, so it can gate a release.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from panels import Group  # noqa: E402
from panels.evaluation_estimate import POOLED, evaluate  # noqa: E402
from panels.evaluation_simulation import SimulationMember, simulate  # noqa: E402

#: Share of the panel's debtors holding each product, and the log-normal of their due (cents).
PRODUCT_MIX = {"impots": 0.8, "amendes": 0.7, "secteur_local": 0.4, "hopital": 0.3}
DUE_LOG_MEAN, DUE_LOG_SD = 11.0, 1.2  # median ≈ 600 €, a long tail of large debts
TARGET = (0.93, 0.97)


def panel(rng: np.random.Generator, per_group: int) -> list[SimulationMember]:
    n = 2 * per_group
    groups = rng.permutation([Group.PANEL] * per_group + [Group.CONTROL] * per_group)
    members = []
    for k in range(n):
        dues = {p: int(rng.lognormal(DUE_LOG_MEAN, DUE_LOG_SD)) for p, s in PRODUCT_MIX.items() if rng.random() < s}
        members.append(SimulationMember(k + 1, Group(groups[k]), dues))
    return members


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=500)
    ap.add_argument("--per-group", type=int, default=300)
    ap.add_argument("--months", type=int, default=12)
    args = ap.parse_args(argv)
    names = [*PRODUCT_MIX, POOLED]
    est: dict[str, list[float]] = {p: [] for p in names}
    hit: dict[str, list[bool]] = {p: [] for p in names}
    width: dict[str, list[float]] = {p: [] for p in names}
    mde: dict[str, list[float]] = {p: [] for p in names}
    did_est: dict[str, list[float]] = {p: [] for p in names}
    did_hit: dict[str, list[bool]] = {p: [] for p in names}
    truth: dict[str, list[float]] = {p: [] for p in names}
    start = time.perf_counter()
    for seed in range(args.seeds):
        sim = simulate(panel(np.random.default_rng(10_000 + seed), args.per_group), seed=seed, months=args.months)
        ev = evaluate(sim.outcomes())
        entries = [*ev.products, *([ev.pooled] if ev.pooled else [])]
        for e in entries:
            true = sim.true_pooled_difference if e.product == POOLED else sim.true_difference[e.product]
            d = e.difference
            if d.estimate is None or true is None:
                continue
            truth[e.product].append(true)
            est[e.product].append(d.estimate)
            hit[e.product].append(d.ci_low <= true <= d.ci_high)
            width[e.product].append(d.ci_high - d.ci_low)
            mde[e.product].append(e.mde or 0.0)
            if e.did is not None and e.did.estimate is not None:
                did_est[e.product].append(e.did.estimate)
                did_hit[e.product].append(e.did.ci_low <= true <= e.did.ci_high)
    elapsed = time.perf_counter() - start
    print(f"{args.seeds} graines, {args.per_group} redevables par groupe, {args.months} mois, {elapsed:.1f} s")
    head = f"{'produit':<14}{'vrai':>8}{'moyenne':>9}{'biais':>9}{'couv.':>8}{'largeur':>9}{'EMD':>8}"
    print(head + f"{'DD biais':>10}{'DD couv.':>10}")
    ok = True
    for p in names:
        if not est[p]:
            continue
        t, e = float(np.mean(truth[p])), np.array(est[p])
        cov = float(np.mean(hit[p]))
        dcov = float(np.mean(did_hit[p])) if did_hit[p] else float("nan")
        dbias = float(np.mean(np.array(did_est[p]) - np.array(truth[p])[: len(did_est[p])])) if did_est[p] else 0.0
        ok &= TARGET[0] <= cov <= TARGET[1] and (not did_hit[p] or TARGET[0] <= dcov <= TARGET[1])
        print(
            f"{p:<14}{t:>8.4f}{e.mean():>9.4f}{e.mean() - t:>+9.4f}{cov:>8.1%}{np.mean(width[p]):>9.4f}"
            f"{np.mean(mde[p]):>8.4f}{dbias:>+10.4f}{dcov:>10.1%}"
        )
    se_mc = np.sqrt(0.95 * 0.05 / args.seeds)
    print(f"Erreur Monte-Carlo d'une couverture : ± {1.96 * se_mc:.1%} ; cible {TARGET[0]:.0%}–{TARGET[1]:.0%}.")
    print("Couvertures dans la cible." if ok else "ATTENTION : une couverture sort de la cible.")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
