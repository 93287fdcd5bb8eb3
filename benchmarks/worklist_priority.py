"""Does following the prioritised work list recover more than working by amount? A simulation on the demo.

    .venv/bin/python benchmarks/worklist_priority.py                 # demo of 2,000 persons, seed 1
    .venv/bin/python benchmarks/worklist_priority.py --persons 5000 --months 12 --per-month 20

Builds the demo in a temporary instance (SQLite), refreshes the work list, then, for every structure,
simulates ``--months`` months of an agent who treats the top ``--per-month`` accounts of the list each
month, under two orders:

- **priorité**: the work list's rule (``mrf.services.comptes.priorite``): recoverable first, urgent
  (prescription within 6 months, deadline within a month) first, then the larger recoverable amount;
- **montant**: the former default order, « Total dû » decreasing, time-barred amounts included.

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
        if order == "priorite":
            ranked = sorted(live.values(), key=lambda a, now=now: (
                a.recoverable <= 0, not priorite.is_urgent(a.prescription, a.deadline, now,
                                                                             a.deadline_kind), -a.recoverable, -a.rid))
        else:
            ranked = sorted(live.values(), key=lambda a: (-(a.recoverable + a.barred), -a.rid))
        for a in ranked[:per_month]:
            p = P_SUCCESS.get(a.action or "", 0.0)
            if a.recoverable > 0 and rng.random() < p:
                recovered += a.recoverable
                del live[a.rid]
    return recovered, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--per-month", type=int, default=15)
    parser.add_argument("--runs", type=int, default=20, help="simulations (random draws) averaged per order")
    args = parser.parse_args()

    from sqlalchemy import select

    from mrf import create_app
    from mrf.demo.run import run_demo
    from mrf.extensions import db
    from mrf.models import WorklistEntry
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
            by_structure: dict[int, list[WorklistEntry]] = {}
            for e in entries:
                by_structure.setdefault(e.structure_id, []).append(e)
            t1 = time.perf_counter()
            actions = prochaines_actions(sorted({e.redevable_id for e in entries}), today)
            print(f"Plans de {len(actions)} comptes en {time.perf_counter() - t1:.1f} s.")
            totals = {"priorite": [0, 0], "montant": [0, 0]}
            for entries_of in by_structure.values():
                accounts = [Compte(e.redevable_id, int(e.total_due_cents or 0), int(e.barred_cents or 0),
                                   e.nearest_prescription, e.next_deadline,
                                   _action_class(actions[e.redevable_id].action) if e.redevable_id in actions
                                   else None, e.deadline_kind) for e in entries_of]
                for order in totals:
                    for run in range(args.runs):
                        recovered, lost = simulate(accounts, order, args.months, args.per_month, today,
                                                   args.seed * 1000 + run)
                        totals[order][0] += recovered
                        totals[order][1] += lost
            print(f"{len(by_structure)} structures, {len(entries)} entrées de liste ; {args.months} mois, "
                  f"{args.per_month} comptes traités par mois et par structure ; moyenne sur {args.runs} tirages.")
            print(f"{'Ordre':<10} {'Recouvré (€)':>16} {'Perdu par prescription (€)':>28}")
            for order, (recovered, lost) in totals.items():
                print(f"{order:<10} {recovered / 100 / args.runs:>16,.0f} {lost / 100 / args.runs:>28,.0f}"
                      .replace(",", "\u202f"))


if __name__ == "__main__":
    main()
