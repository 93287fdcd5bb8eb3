"""Benchmark of ``load_account_summaries`` on PostgreSQL, then panel composition on what it loads.

    .venv/bin/python benchmarks/panels_db.py              # 1,000,000 accounts
    .venv/bin/python benchmarks/panels_db.py --n 100000 --keep

Creates a fresh database (``MRF_TEST_POSTGRES_URL``, like the tests), migrates it, loads the demo
structures and N synthetic consolidated accounts with COPY: about 1.5 source records, 2.6
créances and 0.05 address renseignements per account (loading is timed apart). Then times the
set-based summary load and ``compose_panel`` (configuration 3, Alpes-Maritimes), and prints the
peak RSS. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mrf import schema  # noqa: E402
from mrf.demo.structures import demo_structures  # noqa: E402
from mrf.extensions import db  # noqa: E402
from mrf.services.admin.structures import StructureSpec, upsert_structures  # noqa: E402
from mrf.services.comptes.resume import load_account_summaries  # noqa: E402
from mrf.services.panels import composition as panel_service  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AS_OF = date(2026, 11, 23)
CRITERIA = """\
name = "bench-c3"
configuration = 3
products = ["amendes", "impots"]
departements = ["06"]
min_total_cents = 5000
control_share = 0.3
seed = 1
reference_date = 2026-11-23
"""


def _copy(raw, table: str, columns: tuple[str, ...], rows) -> None:  # noqa: ANN001
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buf.getvalue())


def populate(url: str, n: int, seed: int) -> dict[str, int]:
    """Demo structures, then N accounts written with COPY (chunks of 100,000 accounts)."""
    db.configure(url)
    upsert_structures([StructureSpec(s.code, s.name, s.type, s.departement, tuple(s.products), tuple(s.communes),
                                     s.configuration) for s in demo_structures()])
    engine = create_engine(url)
    with engine.connect() as conn:
        structures = {code: (sid, typ, dep) for sid, code, typ, dep in
                      conn.execute(text("SELECT id, code, type, departement FROM structure"))}
        territory = {}
        for sid, insee in conn.execute(text(
                "SELECT sc.structure_id, sc.code_insee FROM structure_commune sc JOIN structure s "
                "ON s.id = sc.structure_id WHERE s.type = 'sip'")):
            territory[insee] = sid
    communes = sorted(territory)
    amendes_by_dep = {dep: sid for sid, typ, dep in structures.values() if typ in ("tresorerie_amendes",
                                                                                   "tresorerie_mixte")}
    spl = {}
    for _code, (sid, typ, dep) in structures.items():
        if typ == "tresorerie_spl":
            spl.setdefault(dep, sid)
    rng = np.random.default_rng(seed)
    counts = {"records": 0, "creances": 0, "renseignements": 0}
    raw = engine.raw_connection()
    try:
        rec_id = cre_id = 0
        start_day = date(2019, 1, 1).toordinal()
        for lo in range(0, n, 100_000):
            hi = min(n, lo + 100_000)
            size = hi - lo
            ids = np.arange(lo + 1, hi + 1)
            _copy(raw.driver_connection, "redevable", ("id", "created_at"),
                  ((int(i), "2026-11-01 00:00:00+00") for i in ids))
            home = rng.integers(0, len(communes), size)
            has = rng.random((size, 3)) < np.array([0.6, 0.55, 0.4])
            has[~has.any(axis=1), 0] = True
            records, links, creances, rens = [], [], [], []
            for k in range(size):
                rid = int(ids[k])
                insee = communes[home[k]]
                dep = insee[:2]
                for j, source in enumerate(("impots", "amendes", "secteur_local")):
                    if not has[k, j]:
                        continue
                    rec_id += 1
                    moved = rng.random() < 0.05
                    code = communes[rng.integers(0, len(communes))] if moved else insee
                    records.append((rec_id, source, f"{source[:3]}{rec_id}", code, code[:2] + "000",
                                    date.fromordinal(start_day + int(rng.integers(0, 2800))).isoformat(),
                                    "2026-11-01 00:00:00+00"))
                    links.append((rec_id, rid, "batch", "2026-11-01 00:00:00+00"))
                    for _ in range(1 + int(rng.integers(0, 3))):
                        cre_id += 1
                        prise = date.fromordinal(start_day + int(rng.integers(0, 2800)))
                        rar = int(rng.lognormal(9.5, 1.1))
                        if source == "impots":
                            sid, hosp, offence = territory[insee], False, None
                        elif source == "amendes":
                            sid, hosp = amendes_by_dep[dep], False
                            offence = "delit" if rng.random() < 0.1 else "contravention"
                        else:
                            hosp = rng.random() < 0.3
                            sid = amendes_by_dep[dep] if (hosp and dep == "58") else spl[dep]
                            offence = None
                        status = "en_cours" if rng.random() < 0.85 else "soldee"
                        creances.append((cre_id, rec_id, source, f"R{cre_id}", "X", "ETAT", "État",
                                         "t" if hosp else "f", offence, rar, rar if status == "en_cours" else 0,
                                         prise.isoformat(), (prise + timedelta(days=45)).isoformat(), status, sid,
                                         "2026-11-01 00:00:00+00"))
                if rng.random() < 0.05:
                    rens.append((rid, "adresse", communes[rng.integers(0, len(communes))], "huissier",
                                 "2026-10-01", "confirmee", "2026-11-01 00:00:00+00"))
            _copy(raw.driver_connection, "source_record",
                  ("id", "source", "source_key", "code_insee", "code_postal", "address_date", "created_at"), records)
            _copy(raw.driver_connection, "record_link",
                  ("source_record_id", "redevable_id", "method", "linked_at"), links)
            _copy(raw.driver_connection, "creance",
                  ("id", "source_record_id", "product", "reference", "nature", "creditor_code", "creditor_name",
                   "is_hospital", "offence_category", "amount_initial_cents", "rar_cents", "date_prise_en_charge",
                   "date_exigibilite", "status", "structure_id", "created_at"), creances)
            _copy(raw.driver_connection, "renseignement",
                  ("redevable_id", "kind", "code_insee", "source", "observed_on", "reliability", "recorded_at"), rens)
            raw.driver_connection.commit()
            counts["records"] += len(records)
            counts["creances"] += len(creances)
            counts["renseignements"] += len(rens)
        with raw.driver_connection.cursor() as cur:
            for table in ("redevable", "source_record", "creance", "record_link", "renseignement"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))")
                cur.execute(f"ANALYZE {table}")
        raw.driver_connection.commit()
    finally:
        raw.close()
        engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = ap.parse_args(argv)

    name = f"mrf_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        schema.upgrade(url)
        t0 = time.perf_counter()
        counts = populate(url, args.n, args.seed)
        print(f"données : {args.n:,} comptes, {counts['records']:,} enregistrements, {counts['creances']:,} créances, "
              f"{counts['renseignements']:,} renseignements en {time.perf_counter() - t0:.1f} s (hors mesure)")
        db.configure(url)
        t1 = time.perf_counter()
        with db.new_session() as session:
            accounts = load_account_summaries(session, AS_OF)
            territory = panel_service.load_territory(session)
        t2 = time.perf_counter()
        import panels as lib

        result = lib.compose_panel(accounts, territory, lib.parse_criteria(CRITERIA), as_of=AS_OF)
        t3 = time.perf_counter()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"load_account_summaries : {len(accounts):,} comptes en {t2 - t1:.1f} s")
        print(f"compose_panel (configuration 3, 06) : {result.balance.n_panel:,} traités, "
              f"{result.balance.n_control:,} témoins en {t3 - t2:.1f} s")
        print(f"total {t3 - t1:.1f} s ; RSS max {rss:,.0f} Mo")
    finally:
        if db.engine is not None:
            db.engine.dispose()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            print(f"base conservée : {url}")
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
