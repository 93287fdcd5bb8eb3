"""The partitioned batch run (``matching.partition``) against the single run, on the demo population.

    python benchmarks/matching_partitioned.py --size 200000 [--partitions 2] [--national nom+date,prenom+date]

Each run is a process of its own (its peak RSS is its own; a partition's process is forked from
its coordinator and shares the normalised records). Printed per run: time, peak RSS of every
process, pair and cluster (pair-counting) precision / recall / F1 against the demo's truth; then
the **number of clusters that differ** between the two runs, of accepted pairs and of review
pairs. ``--national`` adds a third run whose national pass keeps only the named rules' cross
pairs (the design docs/scale.md rejects), to count the clusters such a pass loses.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_data import generate, load  # noqa: E402

from matching import cluster_metrics, link, pairwise_metrics  # noqa: E402
from matching.partition import national_pass, partitioned_link  # noqa: E402


def run(kind: str, folder: Path, partitions: int, out: Path, national: list[str] | None) -> dict[str, Any]:
    records, truth = load(folder)
    t = time.perf_counter()
    if kind == "single":
        result = link(records)
    else:
        result = partitioned_link(records, partitions, national_rules=national)
    elapsed = time.perf_counter() - t
    pairs = result.pairs.keys()
    pw, cm = pairwise_metrics(pairs, truth), cluster_metrics(result.clusters, truth)
    idx = result.pairs.indices
    rev = result.review_pairs.indices
    np.savez(out, labels=result.labels,
             pairs=(result.left[idx] << 32) | result.right[idx], review=(result.left[rev] << 32) | result.right[rev])
    stats = result.stats
    return {
        "run": kind, "records": len(records), "time_s": elapsed, "timings": stats["timings_s"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "pair": [pw.precision, pw.recall, pw.f1], "cluster": [cm.precision, cm.recall, cm.f1],
        "clusters": stats["clusters"], "pairs": len(idx), "review_pairs": len(rev),
        "candidate_pairs": stats["candidate_pairs"], "model": result.model.to_json(),
        "partitions": stats.get("partitions"), "national": stats.get("national"),
    }


def profile(folder: Path) -> dict[str, Any]:
    """Memory of the single run by step (tracemalloc: Python objects and numpy arrays), per record."""
    import tracemalloc

    tracemalloc.start()
    records, _ = load(folder)
    n = len(records)
    steps: list[tuple[str, float, float]] = [("lecture des enregistrements", *tracemalloc.get_traced_memory())]
    tracemalloc.reset_peak()

    def say(message: str) -> None:
        if message.startswith("Comparaison") and not message.startswith("Comparaison : 0"):
            return
        steps.append((message[:40], *tracemalloc.get_traced_memory()))
        tracemalloc.reset_peak()

    t = time.perf_counter()
    result = link(records, progress=say)
    elapsed = time.perf_counter() - t
    table_bytes = sum(getattr(result.table, c).nbytes for c in result.table.__dataclass_fields__
                      if isinstance(getattr(result.table, c), np.ndarray))
    # one partition per département: how much the national pass has to do at full scale
    table = result.table
    deps = np.where(table.departement >= 0, table.departement, len(table.vocabs.departement)).astype(np.int64)
    cross, _, _ = national_pass(table, result.model.settings.blocking_rules, deps)
    accepted = result.pairs.indices
    crossing = deps[result.left[accepted]] != deps[result.right[accepted]]
    shares = np.bincount(deps) / n
    return {"records": n, "time_s": elapsed, "departements": int((shares > 0).sum()),
            "largest_departement_share": float(shares.max()),
            "cross_departement_candidates": int(cross.size),
            "candidates": result.stats["candidate_pairs"],
            "cross_departement_links": int(crossing.sum()), "links": int(accepted.size),
            "steps": [(m, c / n, p / n) for m, c, p in steps],
            "table_column_bytes_per_record": table_bytes / n,
            "candidate_pairs_per_record": result.stats["candidate_pairs"] / n,
            "kept_pairs_per_record": len(result.left) / n,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def groups(labels: np.ndarray) -> set[tuple[int, ...]]:
    """Clusters of two records or more, as tuples of record rows."""
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return {tuple(g.tolist()) for g in np.split(order, cuts) if len(g) > 1}


def compare(a: Path, b: Path) -> dict[str, int]:
    x, y = np.load(a), np.load(b)
    ga, gb = groups(x["labels"]), groups(y["labels"])
    return {
        "clusters_only_first": len(ga - gb), "clusters_only_second": len(gb - ga),
        "pairs_only_first": int(np.setdiff1d(x["pairs"], y["pairs"]).size),
        "pairs_only_second": int(np.setdiff1d(y["pairs"], x["pairs"]).size),
        "review_only_first": int(np.setdiff1d(x["review"], y["review"]).size),
        "review_only_second": int(np.setdiff1d(y["review"], x["review"]).size),
    }


def child(kind: str, folder: Path, partitions: int, out: Path, national: str | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--folder", str(folder), "--partitions", str(partitions),
           "--out", str(out)] + (["--national", national] if national else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"échec de l'exécution {kind} :\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def show(r: dict[str, Any]) -> None:
    p, c = r["pair"], r["cluster"]
    print(f"  {r['run']:<12} {r['time_s']:7.1f} s   pic RSS {r['peak_rss_mb']:7.0f} Mo   "
          f"paires P/R/F1 {p[0]:.4f}/{p[1]:.4f}/{p[2]:.4f}   groupes P/R/F1 {c[0]:.4f}/{c[1]:.4f}/{c[2]:.4f}   "
          f"{r['clusters']} groupes, {r['pairs']} liens, {r['review_pairs']} à revoir, "
          f"{r['candidate_pairs']} paires candidates")
    print(f"  {'':<12} étapes : {r['timings']}")
    for part in r["partitions"] or []:
        own = part["peak_rss_mb"] - part["rss_at_fork_mb"]
        print(f"  {'':<12} partition {part['partition']} : {part['records']} enregistrements, "
              f"{part['candidate_pairs']} paires candidates, {part['time_s']:.1f} s, "
              f"pic RSS {part['peak_rss_mb']:.0f} Mo "
              f"(dont {part['rss_at_fork_mb']:.0f} Mo hérités au fork, propre ≈ {own:.0f} Mo)")
    if r["national"]:
        n = r["national"]
        rules = {x["name"]: x["new_pairs"] for x in n["rules"] if x["new_pairs"]}
        print(f"  {'':<12} passe nationale : {n['candidate_pairs']} paires candidates entre partitions "
              f"({n['kept_pairs']} gardées, {n['cross_accepted_links']} liens acceptés), "
              f"{n['components_reclustered']} composantes ({n['records_reclustered']} enregistrements) regroupées "
              f"à nouveau ; paires nouvelles par règle : {rules}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200_000, help="enregistrements sources (environ)")
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--national", help="règles de la passe nationale d'une troisième exécution (virgules)")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mrf-bench-matching")
    parser.add_argument("--profile", action="store_true",
                        help="seulement la mémoire de l'exécution unique par étape (tracemalloc), par enregistrement")
    parser.add_argument("--child", choices=["single", "partitioned", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "profile":
        print(json.dumps(profile(args.folder)))
        return 0
    if args.child:
        national = args.national.split(",") if args.national else None
        print(json.dumps(run(args.child, args.folder, args.partitions, args.out, national)))
        return 0
    folder = generate(args.size, args.seed, args.data)
    print(f"Population de démonstration : {folder} ; {args.partitions} partitions ; {os.cpu_count()} cœurs")
    if args.profile:
        r = child("profile", folder, 1, Path("unused"), None)
        print(f"  {r['records']} enregistrements, {r['time_s']:.1f} s sous tracemalloc, "
              f"pic RSS {r['peak_rss_mb']:.0f} Mo ; "
              f"colonnes de la table {r['table_column_bytes_per_record']:.0f} o/enr. ; "
              f"{r['candidate_pairs_per_record']:.1f} paires candidates et "
              f"{r['kept_pairs_per_record']:.2f} gardées par enr.")
        print(f"  une partition par département ({r['departements']}, le plus grand "
              f"{100 * r['largest_departement_share']:.1f} % des enregistrements) : "
              f"{r['cross_departement_candidates']} paires candidates sur {r['candidates']} entre départements, "
              f"{r['cross_departement_links']} liens acceptés sur {r['links']}")
        for message, current, peak in r["steps"]:
            print(f"  jusqu'à « {message} » : {current:7.0f} o/enr. alloués, pic {peak:7.0f} o/enr.")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        single = child("single", folder, 1, Path(tmp) / "single.npz", None)
        show(single)
        part = child("partitioned", folder, args.partitions, Path(tmp) / "part.npz", None)
        show(part)
        print(f"  même modèle : {'oui' if single['model'] == part['model'] else 'NON'}")
        diff = compare(Path(tmp) / "single.npz", Path(tmp) / "part.npz")
        print(f"  différences unique / partitionné : {diff}")
        if args.national:
            restricted = child("partitioned", folder, args.partitions, Path(tmp) / "restricted.npz", args.national)
            restricted["run"] = "nationale"
            show(restricted)
            print(f"  différences unique / passe nationale réduite à {args.national} : "
                  f"{compare(Path(tmp) / 'single.npz', Path(tmp) / 'restricted.npz')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
