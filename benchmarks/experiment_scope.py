"""Demo-wide check of the experiment's scope (issue 17): on a seeded demo, for every treated member no
créance outside its panel's categories has a comptable other than its original one, and for every
témoin each step of the plan covers créances of one comptable, their own origin.

    .venv/bin/python benchmarks/experiment_scope.py [--persons 300] [--seed 1] [--postgresql]

Builds the demo in a fresh database (a temporary SQLite file, or a new PostgreSQL database on
``MRF_TEST_POSTGRES_URL``), then loads every member's account and plan as the pages do, and prints the
counts (and the seconds taken). Exit status 1 when a check fails."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def check(today: date) -> Counter:
    from mrf.extensions import db
    from mrf.models import Panel, PanelMember
    from mrf.services.comptes.consolide import load_account
    from mrf.services.poursuites.plan import plan_for
    from panels.scope import categorie

    counts: Counter = Counter()
    with db.new_session() as s:
        members = s.execute(select(PanelMember.redevable_id, PanelMember.group, Panel.name, Panel.configuration)
                            .join(Panel, Panel.id == PanelMember.panel_id).where(Panel.status == "publie")
                            .order_by(PanelMember.redevable_id)).all()
    for rid, group, _name, _configuration in members:
        with db.new_session() as s:
            account = load_account(s, rid, today)
            view = plan_for(account)
        counts[f"membres {group}"] += 1
        for c in account.creances.values():
            now, origine = account.comptable_for(c).code, account.structures[c.structure_id].code
            category = categorie(c.product, bool(c.is_hospital))
            if group == "panel":
                counts["créances de traités"] += 1
                if category not in account.scope.categories:
                    counts["créances de traités hors catégories du panel"] += 1
                    counts["ÉCHEC hors catégories avec comptable ≠ origine"] += now != origine
                elif now != origine:
                    counts["créances de traités reprises par la structure unique"] += 1
            else:
                counts["créances de témoins"] += 1
                counts["ÉCHEC témoin : comptable ≠ origine"] += now != origine
        if group == "control":
            for step in view.steps:
                counts["étapes de plans de témoins"] += 1
                comptables = {view.creances[cid].comptable_code for cid in step.creance_ids}
                origines = {view.origines[cid] for cid in step.creance_ids}
                counts["ÉCHEC témoin : étape sur plusieurs comptables"] += len(comptables | origines) > 1
            counts["témoins sans structure affectée"] += account.assigned is None
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()

    from mrf import create_app, schema
    from mrf.demo.run import run_demo

    drop = None
    if args.postgresql:
        name = f"mrf_scope_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/scope.db"
    try:
        schema.upgrade(url)
        app = create_app({"DATABASE_URL": url})
        with app.app_context(), tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            run_demo(args.persons, args.seed, Path(out), lambda *_a, **_k: None)
            built = time.perf_counter() - started
            started = time.perf_counter()
            counts = check(date.today())
            checked = time.perf_counter() - started
    finally:
        if drop is not None:
            drop()
    print(f"Démo {args.persons} personnes, graine {args.seed} ({'PostgreSQL' if args.postgresql else 'SQLite'}) : "
          f"construite en {built:.0f} s, vérifiée en {checked:.1f} s.")
    for key in sorted(counts):
        print(f"  {key} : {counts[key]}")
    failures = sum(v for k, v in counts.items() if k.startswith("ÉCHEC"))
    print("Périmètre respecté." if not failures else f"{failures} écart(s) au périmètre.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
