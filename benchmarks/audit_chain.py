"""Cost of the audit trail's hash chain: appends (one per transaction, as a page view writes its
consultation line; and many in one transaction, as an import or a match), then ``mrf audit verify``.

    python benchmarks/audit_chain.py [--lines 20000] [--postgresql] [--sans-chaine]

Prints lines per second, and the slowest page write behind a long transaction that wrote an audit line
early; no target (the chain must not be what a page waits for: compare the per-transaction append with a
page's server time in benchmarks/web.py). On SQLite every write waits for a long write transaction anyway."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def measure(url: str, lines: int, chained: bool = True) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from mrf import create_app, schema
    from mrf.audit import sealing, verify
    from mrf.extensions import db
    from mrf.services.admin import audit

    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url})
    if not chained:  # the reference: the same writes without the chain
        event.remove(Session, "before_flush", sealing._before_flush)  # noqa: SLF001
    with app.app_context():
        single = max(1, lines // 10)
        started = time.perf_counter()
        for n in range(single):
            audit.record(None, "consultation", "redevable", n, {"n": n}, ip="127.0.0.1")
        seconds = time.perf_counter() - started
        print(f"  une ligne par transaction : {single} lignes en {seconds:.2f} s "
              f"({single / seconds:,.0f} lignes/s, {1000 * seconds / single:.2f} ms par ligne)")

        def writer(k: int, count: int) -> None:
            with app.app_context():
                for n in range(count):
                    audit.record(None, "consultation", "redevable", f"{k}-{n}")

        threads = [threading.Thread(target=writer, args=(k, single // 4)) for k in range(4)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        print(f"  4 écrivains concurrents : {4 * (single // 4)} lignes en {seconds:.2f} s "
              f"({4 * (single // 4) / seconds:,.0f} lignes/s)")
        _behind_a_long_transaction(app)
        bulk = lines - single - 4 * (single // 4)
        started = time.perf_counter()
        with db.transaction() as session:
            for n in range(bulk):
                audit.add(session, None, "import", "source_record", n, {"ligne": n})
        seconds = time.perf_counter() - started
        print(f"  une transaction : {bulk} lignes en {seconds:.2f} s ({bulk / seconds:,.0f} lignes/s)")
        if not chained:
            sealing.install()
            db.engine.dispose()
            return
        started = time.perf_counter()
        with db.new_session() as session:
            result = verify.verify(session)
        seconds = time.perf_counter() - started
        assert result.ok, result
        print(f"  mrf audit verify : {result.verified} lignes en {seconds:.2f} s "
              f"({result.verified / seconds:,.0f} lignes/s)")
    db.engine.dispose()


def _behind_a_long_transaction(app, hold: float = 2.0, count: int = 20) -> None:  # noqa: ANN001
    """A transaction that wrote an audit line early (a matching's merge, a batch of SATD) and commits
    ``hold`` seconds later, while a page writes its consultation lines: the slowest of them."""
    from mrf.extensions import db
    from mrf.services.admin import audit

    flushed = threading.Event()

    def long_transaction() -> None:
        with app.app_context(), db.transaction() as session:
            audit.add(session, None, "fusion_comptes", "redevable", 1)
            session.flush()
            flushed.set()
            time.sleep(hold)

    holder = threading.Thread(target=long_transaction)
    holder.start()
    flushed.wait(30)
    slowest = 0.0
    for n in range(count):
        started = time.perf_counter()
        audit.record(None, "consultation", "redevable", f"p{n}")
        slowest = max(slowest, time.perf_counter() - started)
    holder.join()
    print(f"  pendant une transaction longue ({hold:.0f} s) : {count} lignes de page, la plus lente en "
          f"{slowest:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--sans-chaine", action="store_true", help="mesure de référence, sans la chaîne")
    args = parser.parse_args()
    os.environ.setdefault("MRF_SECRET_KEY", "banc-de-mesure")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MRF_INSTANCE_PATH"] = tmp
        print("SQLite :")
        measure(f"sqlite:///{tmp}/audit.sqlite3", args.lines, not args.sans_chaine)
    if args.postgresql:
        name = f"mrf_bench_audit_{uuid.uuid4().hex[:6]}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            print("PostgreSQL :")
            measure(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, args.lines, not args.sans_chaine)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
