"""Benchmark of panel composition: select + assign + split on synthetic consolidated accounts.

    .venv/bin/python benchmarks/panels.py            # 1,000,000 accounts
    .venv/bin/python benchmarks/panels.py --n 100000

Prints seconds per phase, total, and peak RSS (resource.getrusage). Target: total ≤ 30 s for
1,000,000 accounts on the 2-core project machine. Generation is timed apart (not in the total).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from panels import (  # noqa: E402
    AccountSummary,
    AddressObservation,
    Reliability,
    StructureInfo,
    StructureType,
    Territory,
    criteria_from_mapping,
    place_accounts,
    randomise,
    select,
)

AS_OF = date(2027, 1, 15)
DEPARTEMENTS = {"89": 423, "43": 257, "58": 309, "06": 163}
SOURCES = ("impots", "amendes", "secteur_local")
RELIABILITIES = (Reliability.RELIABLE, Reliability.UNVERIFIED, Reliability.UNDELIVERABLE)


def make_structures() -> tuple[list[StructureInfo], list[str]]:
    structures: list[StructureInfo] = []
    communes_all: list[str] = []
    for dep, n in DEPARTEMENTS.items():
        communes = [f"{dep}{i:03d}" for i in range(1, n + 1)]
        communes_all += communes
        covered = communes[:-3]  # the last 3 communes belong to no SIP
        chunks = np.array_split(np.array(covered), 5)
        for k, chunk in enumerate(chunks):
            territory = set(chunk.tolist())
            if k == 0:
                territory.add(str(chunks[1][0]))  # one commune claimed by two SIPs
            structures.append(
                StructureInfo(
                    f"SIP-{dep}-{k}", f"SIP {dep} n°{k}", StructureType.SIP, dep, frozenset(territory),
                    frozenset({"impots", "amendes"}), 1,
                )
            )
        structures.append(
            StructureInfo(
                f"TM-{dep}", f"Trésorerie mixte {dep}", StructureType.TRESORERIE_MIXTE, dep, frozenset(communes),
                frozenset({"amendes", "secteur_local"}), 2,
            )
        )
        structures.append(
            StructureInfo(
                f"TA-{dep}", f"Trésorerie amendes {dep}", StructureType.TRESORERIE_AMENDES, dep, frozenset(),
                frozenset({"amendes", "impots"}), 3,
            )
        )
    return structures, communes_all


def make_accounts(n: int, seed: int, communes: list[str], structure_codes: list[str]) -> list[AccountSummary]:
    rng = np.random.default_rng(seed)
    ids = rng.permutation(np.arange(1, n + 1, dtype=np.int64) * 7 + 11).tolist()
    impots = np.where(rng.random(n) < 0.75, rng.lognormal(11.0, 1.2, n).astype(np.int64), 0).tolist()
    amendes = np.where(rng.random(n) < 0.75, rng.lognormal(9.5, 1.0, n).astype(np.int64), 0).tolist()
    sl = np.where(rng.random(n) < 0.35, rng.lognormal(9.0, 1.0, n).astype(np.int64), 0)
    hosp = np.where(rng.random(n) < 0.5, (sl * rng.random(n)).astype(np.int64), 0).tolist()
    sl = sl.tolist()
    count = rng.integers(1, 25, n).tolist()
    oldest = rng.integers(30, 2500, n).tolist()
    presc = rng.integers(-30, 1500, n).tolist()
    flags = (rng.random((n, 5)) < np.array([0.03, 0.02, 0.01, 0.04, 0.01])).tolist()
    n_addr = rng.choice(4, n, p=[0.03, 0.47, 0.35, 0.15]).tolist()
    total_addr = int(sum(n_addr))
    extra = [f"75{i:03d}" for i in range(1, 60)]  # Paris arrondissements: other département
    pool = communes + extra
    weights = np.concatenate([np.full(len(communes), 0.95 / len(communes)), np.full(len(extra), 0.05 / len(extra))])
    a_commune = rng.choice(len(pool), total_addr, p=weights).tolist()
    a_age = rng.integers(0, 2000, total_addr).tolist()
    a_source = rng.integers(0, 3, total_addr).tolist()
    a_rel = rng.choice(3, total_addr, p=[0.7, 0.22, 0.08]).tolist()
    a_noinsee = (rng.random(total_addr) < 0.01).tolist()
    cur = rng.integers(0, len(structure_codes), n).tolist()

    days = [AS_OF - timedelta(days=d) for d in range(0, 2600)]
    future = [AS_OF + timedelta(days=d) for d in range(-40, 1600)]
    out = []
    j = 0
    for i in range(n):
        obs = []
        for _ in range(n_addr[i]):
            code = pool[a_commune[j]]
            obs.append(
                AddressObservation(
                    days[a_age[j]], SOURCES[a_source[j]], RELIABILITIES[a_rel[j]],
                    None if a_noinsee[j] else code, code[:2] + "000",
                )
            )
            j += 1
        f = flags[i]
        out.append(
            AccountSummary(
                redevable_id=ids[i],
                due_cents={"impots": impots[i], "amendes": amendes[i], "secteur_local": sl[i]},
                hospital_cents=hosp[i],
                creance_count=count[i],
                oldest_debt_on=days[oldest[i]],
                newest_debt_on=days[oldest[i] // 3],
                nearest_prescription_on=future[presc[i] + 40],
                contested=f[0],
                payment_plan_honoured=f[1],
                surendettement=f[2],
                procedure_collective=f[3],
                deceased=f[4],
                addresses=tuple(obs),
                current_structure_codes=frozenset({structure_codes[cur[i]]}),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20270115)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    structures, communes = make_structures()
    accounts = make_accounts(args.n, args.seed, communes, [s.code for s in structures])
    territory = Territory(structures, {c: f"Commune {c}" for c in communes})
    t_gen = time.perf_counter() - t0
    criteria = criteria_from_mapping(
        {
            "name": "bench",
            "configuration": 1,
            "products": ["amendes", "impots"],
            "departements": list(DEPARTEMENTS),
            "min_total_cents": 10_000,
            "min_per_product_cents": {"amendes": 1_000},
            "min_oldest_debt_days": 60,
            "exclude_prescription_within_days": 90,
            "max_members_per_structure": 20_000,
            "control_share": 0.3,
            "seed": 1,
            "reference_date": AS_OF,
        }
    )
    t1 = time.perf_counter()
    selection = select(accounts, criteria, territory)
    t2 = time.perf_counter()
    placements = place_accounts(selection, criteria, territory)
    t3 = time.perf_counter()
    result = randomise(selection, placements, criteria)
    t4 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"comptes générés      : {args.n:>10,}  ({t_gen:6.2f} s, hors total)")
    print(f"sélection            : {t2 - t1:6.2f} s  → {selection.report.selected:,} retenus")
    print(f"affectation          : {t3 - t2:6.2f} s  → {sum(p.placed for p in placements.values()):,} placés")
    print(
        f"tirage + équilibre   : {t4 - t3:6.2f} s  → panel {result.balance.n_panel:,}, "
        f"témoin {result.balance.n_control:,}, à affecter {len(result.manual):,}"
    )
    total = t4 - t1
    print(f"total                : {total:6.2f} s  (objectif ≤ 30 s)")
    print(f"pic mémoire (RSS)    : {peak_mb:8.0f} Mo")
    print(f"|SMD| max            : {result.balance.max_abs_smd():.4f}")
    for step in result.selection.steps:
        print(f"  - {step.label} : {step.removed:,}")
    return 0 if total <= 30 or args.n != 1_000_000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
