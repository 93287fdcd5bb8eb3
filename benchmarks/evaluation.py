"""Validation of the evaluation: does the 95 % interval hold the true effect 95 % of the time?

    .venv/bin/python benchmarks/evaluation.py                      # 500 seeds, 300 debtors per group
    .venv/bin/python benchmarks/evaluation.py --seeds 200 --per-group 100 30
    .venv/bin/python benchmarks/evaluation.py --due-sd 0.6          # less dispersed dues

For each seed: a fresh panel (dues per product drawn log-normal, products held with the shares of a
panel of common debtors), randomised half treated, recoveries simulated by the documented model
(panels.evaluation_simulation), then panels.evaluation_estimate.evaluate. Prints per product the true
difference, the mean estimate and its bias, the coverage of the 95 % intervals (target 93–97 %) for
the difference and the difference-in-differences, the mean interval widths, the minimal detectable
effect, the share of seeds where the difference is significant (the power against the true effect), and
the coverage of the curves' monthly bands against the exact expected cumulative rates
(pointwise, every month, both groups). Exits 1 when a coverage falls outside the target band, so it can gate a release.
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
from panels.evaluation_simulation import DEFAULT_MODEL, SimulationMember, expected_rate, simulate  # noqa: E402

#: Share of the panel's debtors holding each product, and the log-normal of their due (cents).
PRODUCT_MIX = {"impots": 0.8, "amendes": 0.7, "secteur_local": 0.4, "hopital": 0.3}
DUE_LOG_MEAN, DUE_LOG_SD = 11.0, 1.2  # median ≈ 600 €, a long tail of large debts
TARGET = (0.93, 0.97)


def panel(rng: np.random.Generator, per_group: int, due_sd: float = DUE_LOG_SD) -> list[SimulationMember]:
    n = 2 * per_group
    groups = rng.permutation([Group.PANEL] * per_group + [Group.CONTROL] * per_group)
    members = []
    for k in range(n):
        dues = {p: int(rng.lognormal(DUE_LOG_MEAN, due_sd)) for p, s in PRODUCT_MIX.items() if rng.random() < s}
        members.append(SimulationMember(k + 1, Group(groups[k]), dues))
    return members


def run(seeds: int, per_group: int, months: int, due_sd: float = DUE_LOG_SD) -> bool:
    """One validation at one panel size; prints its table, True when every coverage is in the target."""
    names = [*PRODUCT_MIX, POOLED]
    stats: dict[str, dict[str, list[float]]] = {p: {} for p in names}

    def put(p: str, key: str, value: float) -> None:
        stats[p].setdefault(key, []).append(value)

    start = time.perf_counter()
    for seed in range(seeds):
        sim = simulate(panel(np.random.default_rng(10_000 + seed), per_group, due_sd), seed=seed, months=months)
        ev = evaluate(sim.outcomes())
        for e in [*ev.products, *([ev.pooled] if ev.pooled else [])]:
            true = sim.true_pooled_difference if e.product == POOLED else sim.true_difference[e.product]
            d = e.difference
            if d.estimate is None or d.ci_low is None or d.ci_high is None or true is None:
                continue
            put(e.product, "truth", true)
            put(e.product, "est", d.estimate)
            put(e.product, "hit", d.ci_low <= true <= d.ci_high)
            put(e.product, "width", d.ci_high - d.ci_low)
            put(e.product, "mde", e.mde or 0.0)
            put(e.product, "signif", d.ci_low > 0 or d.ci_high < 0)
            if e.did is not None and e.did.ci_low is not None and e.did.ci_high is not None:
                put(e.product, "did_err", (e.did.estimate or 0.0) - true)
                put(e.product, "did_hit", e.did.ci_low <= true <= e.did.ci_high)
                put(e.product, "did_width", e.did.ci_high - e.did.ci_low)
            if e.product == POOLED:
                continue
            for pt in e.months:  # pointwise bands of the curves against the exact expected cumulative rates
                r0, r1 = (expected_rate(DEFAULT_MODEL, e.product, pt.month, treated=t) for t in (False, True))
                put(e.product, "band_hit", (pt.control_low or 0) <= r0 <= (pt.control_high or 0))
                put(e.product, "band_hit", (pt.treated_low or 0) <= r1 <= (pt.treated_high or 0))
    elapsed = time.perf_counter() - start
    print(
        f"\n{seeds} graines, {per_group} redevables par groupe, {months} mois, "
        f"écart-type du log des dus {due_sd} ({elapsed:.1f} s)"
    )
    print(
        f"{'produit':<14}{'vrai':>8}{'moyenne':>9}{'biais':>9}{'couv.':>8}{'largeur':>9}{'EMD':>8}"
        f"{'signif.':>9}{'DD biais':>10}{'DD couv.':>10}{'DD larg.':>10}{'bandes':>9}"
    )
    ok = True
    for p in names:
        st = stats[p]
        if not st.get("est"):
            continue
        t, e = float(np.mean(st["truth"])), float(np.mean(st["est"]))
        cov = float(np.mean(st["hit"]))
        dcov = float(np.mean(st["did_hit"])) if st.get("did_hit") else float("nan")
        band = f"{np.mean(st['band_hit']):>9.1%}" if st.get("band_hit") else f"{'':>9}"
        ok &= TARGET[0] <= cov <= TARGET[1] and (not st.get("did_hit") or TARGET[0] <= dcov <= TARGET[1])
        did_err, did_width = np.mean(st.get("did_err", [0.0])), np.mean(st.get("did_width", [0.0]))
        print(
            f"{p:<14}{t:>8.4f}{e:>9.4f}{e - t:>+9.4f}{cov:>8.1%}{np.mean(st['width']):>9.4f}{np.mean(st['mde']):>8.4f}"
            f"{np.mean(st['signif']):>9.1%}{did_err:>+10.4f}{dcov:>10.1%}{did_width:>10.4f}{band}"
        )
    print(f"Erreur Monte-Carlo d'une couverture : ± {1.96 * np.sqrt(0.95 * 0.05 / seeds):.1%} ; cible 93 %–97 %.")
    print("Couvertures dans la cible." if ok else "ATTENTION : une couverture sort de la cible.")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=500)
    ap.add_argument("--per-group", type=int, nargs="+", default=[300])
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--due-sd", type=float, default=DUE_LOG_SD, help="dispersion des montants dus (log-normale)")
    args = ap.parse_args(argv)
    results = [run(args.seeds, n, args.months, args.due_sd) for n in args.per_group]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
