"""Fuzz the import (issue 24): seeded mutations of valid files of the three sources, imported with
`mrf import` (in-process CLI runner) into a fresh SQLite and a fresh PostgreSQL database. Prints, per
database, the files accepted and refused, the lines read and rejected, the re-imports checked, the
failures (a crash, a refused file that changed a table, an invalid row left, a non-idempotent
re-import) and the time taken; exit status 1 if any failure. The checks are in
tests/mrf/ingest/ingest_fuzz.py.

    python benchmarks/fuzz_ingest.py [--inputs 1500] [--first-seed 0] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "mrf" / "ingest"))

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _structures() -> None:
    from mrf.services.admin.structures import StructureSpec, upsert_structures

    upsert_structures([StructureSpec("SIP-TEST", "SIP de test", "sip", "89", ("impots",), ("89024",)),
                       StructureSpec("TA-TEST", "Trésorerie amendes de test", "tresorerie_amendes", "89",
                                     ("amendes",), ("89024",)),
                       StructureSpec("SPL-TEST", "Trésorerie SPL de test", "tresorerie_spl", "89",
                                     ("secteur_local",), ("89024",))])


def run(backend: str, seeds: range, folder: Path) -> bool:
    from mrf import create_app, schema
    from mrf.extensions import db

    from ingest_fuzz import fuzz

    admin = None
    if backend == "postgresql":
        name = f"mrf_fuzz_{uuid.uuid4().hex[:10]}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{folder / 'fuzz.sqlite3'}"
    try:
        schema.upgrade(url)
        os.environ["MRF_INSTANCE_PATH"] = str(folder / "instance")
        os.environ.setdefault("MRF_SECRET_KEY", "fuzz-" + uuid.uuid4().hex)
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        with app.app_context():
            _structures()
            started = time.perf_counter()
            stats = fuzz(app.test_cli_runner(), folder, seeds)
            elapsed = time.perf_counter() - started
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print(f"{backend:10} {stats.line()} ; {elapsed:.1f} s ({elapsed / max(stats.inputs, 1) * 1000:.0f} ms par fichier)")
    print(f"{'':10} mutations : " + ", ".join(f"{m} {n}" for m, n in sorted(stats.mutations.items())))
    for failure in stats.failures[:30]:
        print(f"{'':10} ÉCHEC {failure}")
    return not stats.failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=1500)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.inputs)
    ok = True
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="mrf-fuzz-") as folder:
            ok &= run(backend.strip(), seeds, Path(folder))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
