"""Validation of the evaluation through the whole application: do the 95 % intervals that
``mrf evaluation show`` reports hold the demo's true effects about 95 times in 100?

    .venv/bin/python benchmarks/evaluation_demo.py                               # 2 populations × 20 seeds
    .venv/bin/python benchmarks/evaluation_demo.py --persons 1500 --populations 3 --seeds 30

For each population seed: ``mrf demo`` up to the published panels (generation, imports, matching,
panels with their baselines) in a fresh SQLite instance, once. Then for each simulation seed, on a
copy of that database: the demo's evaluation step (publication dated 12 months back, payments
simulated by the library's model and recorded through the real payment service), the
evaluation service (``evaluate_all``, what the CLI and the pages print), and the comparison with
``demo-verite-evaluation.json``. Prints per product the number of intervals, the coverage of the
95 % intervals of the difference, the mean estimate, the true effect and the mean bias, and the
time taken. Groups under 5 debtors are not shown by the service, hence not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# The script's folder holds benchmarks named like the libraries (panels.py…): import the real ones.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _quiet(_message: str) -> None:
    pass


def build_population(persons: int, seed: int, folder: Path) -> Path:
    """The demo up to the published panels (no simulated month); returns the SQLite file."""
    from mrf import create_app, schema
    from mrf.demo.run import run_demo

    folder.mkdir(parents=True, exist_ok=True)
    db_file = folder / "base.sqlite3"
    url = f"sqlite:///{db_file}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder)})
    with app.app_context():
        schema.upgrade(url)
        run_demo(persons, seed, folder / "demo", _quiet, months=0, instance_dir=folder)
    return db_file


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API: a plain file copy would miss what still sits in
    the write-ahead log of a database another connection keeps open (it did: one replicate in 20 lost)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def one_replicate(base: Path, folder: Path, seed: int, months: int) -> list[dict]:
    """Simulate on a copy of ``base`` and evaluate: one row per panel and product shown."""
    from mrf import create_app
    from mrf.demo.evaluation import TRUTH_FILE, demo_evaluation
    from mrf.demo.generate import TODAY
    from mrf.services.evaluation import service

    folder.mkdir(parents=True, exist_ok=True)
    db_file = folder / "replicate.sqlite3"
    _copy_database(base, db_file)
    app = create_app({"DATABASE_URL": f"sqlite:///{db_file}", "INSTANCE_PATH": str(folder)})
    with app.app_context():
        demo_evaluation(folder, _quiet, seed, months)
        results = service.evaluate_all(TODAY)
    truth = json.loads((folder / TRUTH_FILE).read_text(encoding="utf-8"))["panels"]
    rows = []
    for result in results:
        for p in result["products"]:
            d = p["difference"]
            if d["estimate"] is None:
                continue
            true = truth[result["panel"]][p["product"]]
            rows.append({"panel": result["panel"], "product": p["product"], "true": true,
                         "estimate": d["estimate"], "covered": d["ci_low"] <= true <= d["ci_high"],
                         "n": (p["treated"]["n"], p["control"]["n"])})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--populations", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=20, help="simulation seeds per population")
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    started = time.monotonic()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="mrf-eval-demo-") as tmp:
        os.environ["MRF_INSTANCE_PATH"] = tmp
        os.environ.setdefault("MRF_SECRET_KEY", "benchmark-evaluation-demo")
        for pop in range(1, args.populations + 1):
            t0 = time.monotonic()
            base = build_population(args.persons, pop, Path(tmp) / f"pop{pop}")
            built = time.monotonic() - t0
            t1 = time.monotonic()
            sizes = None
            for seed in range(1, args.seeds + 1):
                replicate = one_replicate(base, Path(tmp) / f"pop{pop}" / f"seed{seed}", seed, args.months)
                rows += replicate
                sizes = sizes or sorted({(r["panel"], r["product"], r["n"]) for r in replicate})
                shutil.rmtree(Path(tmp) / f"pop{pop}" / f"seed{seed}")
            print(f"population {pop} ({args.persons} personnes) : construite en {built:.0f} s ; "
                  f"{args.seeds} graines simulées et évaluées en {time.monotonic() - t1:.0f} s")
            for panel, product, (nt, nc) in sizes or []:
                print(f"    {panel:<26} {product:<14} traités {nt:>4}  témoins {nc:>4}")
    by_product: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_product[r["product"]].append(r)
    print()
    print(f"{'produit':<14} {'intervalles':>11} {'couverture':>10} {'vrai':>8} {'moyenne':>8} {'biais':>8}")
    for product, rs in [*sorted(by_product.items()), ("tous", rows)]:
        if not rs:
            continue
        n = len(rs)
        coverage = sum(r["covered"] for r in rs) / n
        true = sum(r["true"] for r in rs) / n
        mean = sum(r["estimate"] for r in rs) / n
        print(f"{product:<14} {n:>11} {coverage * 100:>9.1f}% {true:>8.4f} {mean:>8.4f} {mean - true:>+8.4f}")
    print(f"\n{'panel':<26} {'produit':<14} {'intervalles':>11} {'couverture':>10} {'biais':>8}")
    cells: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        cells[(r["panel"], r["product"])].append(r)
    for (panel, product), rs in sorted(cells.items()):
        bias = sum(r["estimate"] - r["true"] for r in rs) / len(rs)
        print(f"{panel:<26} {product:<14} {len(rs):>11} {sum(r['covered'] for r in rs) / len(rs) * 100:>9.1f}% "
              f"{bias:>+8.4f}")
    se = (0.95 * 0.05 / max(1, len(rows))) ** 0.5
    print(f"\nErreur Monte-Carlo d'une couverture de 95 % sur {len(rows)} intervalles : "
          f"± {1.96 * se * 100:.1f} points. Durée totale : {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
