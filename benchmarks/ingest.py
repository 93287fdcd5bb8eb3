"""Ingestion speed and memory: import a generated impôts file of N lines into SQLite and PostgreSQL.

Prints lines per second and the peak RSS of the importing process (measured in a child process, so
that the generator's own memory does not count). Targets: ≥ 20,000 lines/s, peak RSS ≤ 300 MB.

    python benchmarks/ingest.py [--lines 1000000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mrf.ingest.formats import IMPOTS  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NAMES = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT"]
FIRST = ["MARIE", "JEAN", "PIERRE", "MICHEL", "ANNE", "NATHALIE", "PHILIPPE", "ISABELLE", "ALAIN", "SYLVIE"]


def fiscal_number(n: int) -> str:
    first_ten = f"{1_000_000_000 + n:010d}"
    return first_ten + f"{int(first_ten) % 511:03d}"


def write_file(path: Path, lines: int, seed: int = 1) -> None:
    """One line per créance, about three créances per debtor."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(IMPOTS.names)
        for i in range(lines):
            debtor = i // 3
            if i % 3 == 0:  # a debtor's identity repeats on each of its lines, as in the real extracts
                person = random.Random(debtor)
                identity = {
                    "numero_fiscal": fiscal_number(debtor), "nom_naissance": person.choice(NAMES),
                    "prenoms": person.choice(FIRST), "sexe": person.choice("MF"),
                    "date_naissance": f"{person.randint(1, 28):02d}/{person.randint(1, 12):02d}/"
                                      f"{person.randint(1940, 2004)}",
                    "numero_voie": str(person.randint(1, 99)),
                }
            amount = rng.randint(1000, 500000)
            row = {
                **identity, "nom_usage": "", "lieu_naissance": "AUXERRE", "voie": "RUE DE PARIS",
                "complement_adresse": "", "code_postal": "89000", "commune": "AUXERRE", "code_insee": "89024",
                "reference_avis": f"IR-{i:09d}", "impot": "IR", "annee": "2024",
                "montant_initial": f"{amount // 100},{amount % 100:02d}",
                "reste_a_recouvrer": f"{amount // 100},{amount % 100:02d}", "statut": "",
                "date_mise_en_recouvrement": "31/07/2025", "date_exigibilite": "15/09/2025",
                "comptable": "SIP-BENCH",
            }
            writer.writerow([row[c] for c in IMPOTS.names])


CHILD = """
import sys, time, resource, json
from pathlib import Path
from mrf.extensions import db
from mrf import schema
from mrf.ingest.loader import import_file
from mrf.services.structures import StructureSpec, upsert_structures
url, path = sys.argv[1], Path(sys.argv[2])
schema.upgrade(url)
db.configure(url)
upsert_structures([StructureSpec("SIP-BENCH", "SIP de mesure", "sip", "89", ("impots",), ("89024",))])
start = time.perf_counter()
report = import_file("impots", path)
elapsed = time.perf_counter() - start
print(json.dumps({"lines": report.lines_read, "rejected": report.rejected, "seconds": elapsed,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def database(backend: str, workdir: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}", lambda: None
    name = f"mrf_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / "impots.csv"
        t0 = time.perf_counter()
        write_file(path, args.lines)
        print(f"fichier : {args.lines} lignes, {path.stat().st_size / 1e6:.0f} Mo, généré en "
              f"{time.perf_counter() - t0:.1f} s")
        for backend in args.backends.split(","):
            url, drop = database(backend, workdir)
            try:
                out = subprocess.run([sys.executable, "-c", CHILD, url, str(path)], check=True,
                                     capture_output=True, text=True, cwd=ROOT,
                                     env={**os.environ, "MRF_INSTANCE_PATH": str(workdir / "instance")})
                figures = json.loads(out.stdout.strip().splitlines()[-1])
            finally:
                drop()
            rate = figures["lines"] / figures["seconds"]
            rss_mb = figures["rss_kb"] / 1024
            print(f"{backend:<11} {figures['lines']} lignes en {figures['seconds']:.1f} s : "
                  f"{rate:,.0f} lignes/s (cible ≥ 20 000) ; RSS max {rss_mb:.0f} Mo (cible ≤ 300) ; "
                  f"rejets {figures['rejected']}".replace(",", " "))


if __name__ == "__main__":
    main()
