"""Benchmark of the poursuites service on a database: plans loaded from the database, SATD issue.

    .venv/bin/python benchmarks/poursuites_db.py                    # SQLite, 2,000 accounts, 40 SATD
    .venv/bin/python benchmarks/poursuites_db.py --postgres --n 5000 --satd 100

Creates a fresh database (a temporary SQLite file, or a new PostgreSQL database on
``MRF_TEST_POSTGRES_URL`` like the tests), migrates it, writes N consolidated accounts — each
with an impôt, an amende and a local debt held by three structures, one bank account (valid
IBAN), an employer for one in three, an assignment to the SIP for one in two (loading is timed
apart). Then times ``build_plan`` for every account (one read transaction each, as the web page
does) and ``issue_satd`` for the first M accounts (one write transaction each: plan, act, locks,
two PDFs, numbering), and prints the peak RSS. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mrf import schema  # noqa: E402
from mrf.demo.renseignements import make_iban, make_siret  # noqa: E402
from mrf.extensions import db  # noqa: E402
from mrf.models import (  # noqa: E402
    Assignment,
    Creance,
    RecordLink,
    Redevable,
    Renseignement,
    SourceRecord,
)
from mrf.services.admin.structures import StructureSpec, upsert_structures  # noqa: E402
from mrf.services.poursuites import actes as service  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ON = date(2026, 11, 23)


def populate(n: int, seed: int) -> list[int]:
    upsert_structures([
        StructureSpec("SIP-AUXERRE", "SIP d'Auxerre", "sip", "89", ("impots",), ("89024",), 1),
        StructureSpec("TA-89", "Trésorerie amendes de l'Yonne", "tresorerie_amendes", "89", ("amendes",), ("89024",)),
        StructureSpec("SPL-AUXERRE", "Trésorerie d'Auxerre (secteur public local)", "tresorerie_spl", "89",
                      ("secteur_local",), ("89024",)),
    ])
    rnd = random.Random(seed)
    ids: list[int] = []
    with db.new_session() as s:
        codes = {code: sid for sid, code in s.execute(text("SELECT id, code FROM structure"))}
    for start in range(0, n, 1000):
        with db.transaction() as s:
            reds = [Redevable(nom=f"DEBITEUR{i}", prenoms="JEAN", date_naissance=date(1970, 1, 1), code_insee="89024")
                    for i in range(start, min(n, start + 1000))]
            s.add_all(reds)
            s.flush()
            for i, red in enumerate(reds, start):
                for product, structure, amount, ref in (
                    ("impots", "SIP-AUXERRE", rnd.randint(20_000, 300_000), f"IR-{i:08d}"),
                    ("amendes", "TA-89", rnd.choice((13_500, 37_500, 75_000)), f"AFM-{i:08d}"),
                    ("secteur_local", "SPL-AUXERRE", rnd.randint(2_000, 90_000), f"T-{i:08d}"),
                ):
                    rec = SourceRecord(source=product, source_key=f"{product}-{i}", nom=red.nom, voie="RUE DE PARIS",
                                       code_postal="89000", commune="AUXERRE", address_date=date(2026, 1, 1))
                    s.add(rec)
                    s.flush()
                    s.add(RecordLink(source_record_id=rec.id, redevable_id=red.id, method="batch"))
                    s.add(Creance(
                        source_record_id=rec.id, product=product, reference=ref,
                        nature={"impots": "IR", "amendes": "AFM", "secteur_local": "eau"}[product],
                        creditor_code="ETAT" if product != "secteur_local" else "COM-89024",
                        creditor_name="État" if product != "secteur_local" else "COMMUNE D'AUXERRE",
                        offence_category="contravention" if product == "amendes" else None,
                        amount_initial_cents=amount, rar_cents=amount, date_prise_en_charge=date(2025, 5, 1),
                        date_exigibilite=date(2025, 6, 1), structure_id=codes[structure]))
                s.add(Renseignement(redevable_id=red.id, kind="banque", name="Banque", source="ficoba",
                                    iban=make_iban(rnd, "30004"), observed_on=date(2026, 10, 1),
                                    reliability="confirmee"))
                if i % 3 == 0:
                    s.add(Renseignement(redevable_id=red.id, kind="employeur", name="Employeur", source="impots",
                                        siret=make_siret(rnd), annual_net_salary_cents=2_200_000, dependants=1,
                                        observed_on=date(2026, 9, 1), reliability="confirmee"))
                if i % 2 == 0:
                    s.add(Assignment(redevable_id=red.id, structure_id=codes["SIP-AUXERRE"], reason="bench"))
                ids.append(red.id)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="accounts")
    parser.add_argument("--satd", type=int, default=40, help="accounts whose SATD are issued")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    admin = None
    if args.postgres:
        name = f"mrf_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    else:
        tmp = tempfile.mkdtemp(prefix="mrf-bench-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
    try:
        schema.upgrade(url)
        db.configure(url)
        t0 = time.perf_counter()
        ids = populate(args.n, args.seed)
        t1 = time.perf_counter()
        print(f"backend {db.engine.dialect.name}: {len(ids)} accounts written in {t1 - t0:.1f} s")

        steps = satd_steps = 0
        t0 = time.perf_counter()
        for rid in ids:
            plan = service.build_plan(rid, ON)
            steps += len(plan.steps)
            satd_steps += len(plan.satd_steps)
        t1 = time.perf_counter()
        print(f"build_plan: {len(ids)} plans in {t1 - t0:.2f} s ({len(ids) / (t1 - t0):.0f} plans/s, "
              f"{(t1 - t0) / len(ids) * 1000:.2f} ms each); {steps} steps, {satd_steps} joint SATD")

        docs = acts = 0
        t0 = time.perf_counter()
        for rid in ids[: args.satd]:
            plan = service.build_plan(rid, ON)
            for step in plan.satd_steps:
                issued = service.issue_satd(rid, int(step.tiers[0].id), None, ON)
                docs += len(issued)
                acts += len({d.acte_id for d in issued})
        t1 = time.perf_counter()
        print(f"issue_satd: {acts} acts, {docs} PDF documents for {args.satd} accounts in {t1 - t0:.1f} s "
              f"({acts / (t1 - t0):.2f} acts/s, {docs / (t1 - t0):.2f} documents/s)")
        with db.new_session() as s:
            numbers = s.execute(text("SELECT count(*), count(DISTINCT number) FROM document")).one()
        assert numbers[0] == numbers[1] == docs
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        if db.engine is not None:
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
