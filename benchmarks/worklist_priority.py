"""Does following the prioritised work list recover more than working by amount? A simulation on the demo.

    .venv/bin/python benchmarks/worklist_priority.py                 # demo of 2,000 persons, seed 1
    .venv/bin/python benchmarks/worklist_priority.py --persons 5000 --months 12 --per-month 20

Builds the demo in a temporary instance (SQLite), refreshes the work list, then, for every structure,
simulates ``--months`` months of an agent who treats the top ``--per-month`` accounts of the list each
month, under two orders:

- **priorite**: the work list's rule (``priorite.sort_key``, the same as the page's SQL sort): recoverable
  first, urgent (from 500 € recoverable: prescription within 6 months, deadline within a month) first, then
  the larger expected recovery (recoverable amount × weight of the tiers known from the renseignements);
- **precedente**: the rule before (urgent whatever the amount, then the larger recoverable amount);
- **montant**: the former default order, « Total dû » decreasing, time-barred amounts included.

``--save FILE`` keeps the accounts read from the demo, ``--load FILE`` simulates them again without
building the demo (same figures for the same file and seed).

The model (stated, not measured — the plan has no success rates of its own yet):
- treating an account means taking the first step of its poursuites plan; it recovers the account's
  recoverable amount with probability P[action] (below), else nothing this month; a recovered account
  leaves the list, an account treated without success may be treated again in a later month;
- an amount whose prescription date passes during the simulation is lost (it becomes barred);
- an account with no lawful action (or only barred amounts) recovers nothing when treated.
Figures printed: amount recovered and amount lost to prescription, per order, over all structures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Assumed probability that the first step of the plan recovers the account within the month.
P_SUCCESS = {"satd_employeur": 0.6, "satd_banque": 0.4, "satd": 0.35, "autre": 0.15}


@dataclass
class Compte:
    rid: int
    recoverable: int
    barred: int
    prescription: date | None
    deadline: date | None
    action: str | None
    deadline_kind: str | None = None
    tiers: str | None = None  # best tiers known (employeur, banque) from the renseignements, as the SQL sort


def _action_class(label: str | None) -> str | None:
    if label is None:
        return None
    text = label.lower()
    if "employeur" in text:
        return "satd_employeur"
    if "banque" in text or "bancaire" in text:
        return "satd_banque"
    if "satd" in text or "saisie administrative" in text:
        return "satd"
    return "autre"


def _was_urgent(prescription: date | None, deadline: date | None, today: date, kind: str | None) -> bool:
    """The urgency of the previous rule: prescription within 183 days or deadline within 31 days."""
    from mrf.services.comptes import priorite

    return ((prescription is not None and prescription <= today + timedelta(days=183))
            or (deadline is not None and deadline <= today + timedelta(days=31)
                and kind not in priorite.NOT_URGENT_KINDS))


def _dump(by_structure: dict[int, list[Compte]], path: Path, today: date) -> None:
    rows = {str(k): [{**a.__dict__, "prescription": a.prescription and a.prescription.isoformat(),
                      "deadline": a.deadline and a.deadline.isoformat()} for a in v]
            for k, v in by_structure.items()}
    path.write_text(json.dumps({"today": today.isoformat(), "structures": rows}))


def _load(path: Path) -> tuple[dict[int, list[Compte]], date]:
    data = json.loads(path.read_text())
    out = {int(k): [Compte(**{**a, "prescription": a["prescription"] and date.fromisoformat(a["prescription"]),
                              "deadline": a["deadline"] and date.fromisoformat(a["deadline"])}) for a in v]
           for k, v in data["structures"].items()}
    return out, date.fromisoformat(data["today"])


def simulate(accounts: list[Compte], order: str, months: int, per_month: int, today: date,
             seed: int) -> tuple[int, int]:
    from mrf.services.comptes import priorite

    rng = random.Random(seed)
    live = {a.rid: Compte(**a.__dict__) for a in accounts}
    recovered = lost = 0
    for month in range(months):
        now = today + timedelta(days=30 * month)
        for a in live.values():  # prescriptions reached this month: the amount is lost
            if a.prescription is not None and a.prescription <= now and a.recoverable > 0:
                lost += a.recoverable
                a.barred += a.recoverable
                a.recoverable = 0
                a.action = None
        if order == "priorite":  # the rule in force (priorite.sort_key, the same as the list's SQL sort)
            ranked = sorted(live.values(), key=lambda a, now=now: (
                *priorite.sort_key(a.recoverable, a.prescription, a.deadline, a.deadline_kind, a.tiers, now),
                -a.rid))
        elif order == "precedente":  # the rule before issue 22's second pass, for comparison
            ranked = sorted(live.values(), key=lambda a, now=now: (
                a.recoverable <= 0, not _was_urgent(a.prescription, a.deadline, now, a.deadline_kind),
                -a.recoverable, -a.rid))
        else:
            ranked = sorted(live.values(), key=lambda a: (-(a.recoverable + a.barred), -a.rid))
        for a in ranked[:per_month]:
            p = P_SUCCESS.get(a.action or "", 0.0)
            if a.recoverable > 0 and rng.random() < p:
                recovered += a.recoverable
                del live[a.rid]
    return recovered, lost


def _build(args: argparse.Namespace) -> tuple[dict[int, list[Compte]], date]:
    """Build the demo in a temporary instance and read every structure's list entries and next actions."""
    from sqlalchemy import select

    from mrf import create_app
    from mrf.demo.run import run_demo
    from mrf.extensions import db
    from mrf.models import Renseignement, WorklistEntry
    from mrf.services.comptes import worklist
    from mrf.services.poursuites.prochaine_action import prochaines_actions

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "TESTING": True})
        with app.app_context():
            from mrf import schema

            t0 = time.perf_counter()
            schema.upgrade(app.config["DATABASE_URL"])
            run_demo(args.persons, args.seed, Path(tmp) / "demo", lambda _m: None)
            worklist.sync(full=True)
            print(f"Démo de {args.persons} personnes construite en {time.perf_counter() - t0:.0f} s.")
            today = date.today()
            with db.new_session() as s:
                entries = list(s.scalars(select(WorklistEntry)))
                kinds: dict[int, set[str]] = {}
                for rid, kind in s.execute(select(Renseignement.redevable_id, Renseignement.kind)):
                    kinds.setdefault(rid, set()).add(kind)
            t1 = time.perf_counter()
            actions = prochaines_actions(sorted({e.redevable_id for e in entries}), today)
            print(f"Plans de {len(actions)} comptes en {time.perf_counter() - t1:.1f} s.")
    by_structure: dict[int, list[Compte]] = {}
    for e in entries:
        known = kinds.get(e.redevable_id, set())
        by_structure.setdefault(e.structure_id, []).append(Compte(
            e.redevable_id, int(e.total_due_cents or 0), int(e.barred_cents or 0), e.nearest_prescription,
            e.next_deadline, _action_class(actions[e.redevable_id].action) if e.redevable_id in actions else None,
            e.deadline_kind, "employeur" if "employeur" in known else "banque" if "banque" in known else None))
    return by_structure, today


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--per-month", type=int, default=15)
    parser.add_argument("--runs", type=int, default=20, help="simulations (random draws) averaged per order")
    parser.add_argument("--save", type=Path, help="write the accounts read from the demo to this JSON file")
    parser.add_argument("--load", type=Path, help="simulate on accounts saved by --save (no demo built)")
    args = parser.parse_args()

    if args.load:
        by_structure, today = _load(args.load)
    else:
        by_structure, today = _build(args)
        if args.save:
            _dump(by_structure, args.save, today)
    n = sum(len(v) for v in by_structure.values())
    totals = {"priorite": [0, 0], "precedente": [0, 0], "montant": [0, 0]}
    for accounts in by_structure.values():
        for order in totals:
            for run in range(args.runs):
                recovered, lost = simulate(accounts, order, args.months, args.per_month, today,
                                           args.seed * 1000 + run)
                totals[order][0] += recovered
                totals[order][1] += lost
    print(f"{len(by_structure)} structures, {n} entrées de liste ; {args.months} mois, "
          f"{args.per_month} comptes traités par mois et par structure ; moyenne sur {args.runs} tirages.")
    print(f"{'Ordre':<12} {'Recouvré (€)':>16} {'Perdu par prescription (€)':>28}")
    for order, (recovered, lost) in totals.items():
        print(f"{order:<12} {recovered / 100 / args.runs:>16,.0f} {lost / 100 / args.runs:>28,.0f}"
              .replace(",", "\u202f"))


if __name__ == "__main__":
    main()
