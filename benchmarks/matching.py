"""Quality and speed of ``matching`` on the demo population, side by side with Splink.

    python benchmarks/matching.py --sizes 10000,100000,1000000 [--splink] [--seed 1]

For each size (number of source records over the three sources, about 1.6 per person) the demo
generator (``mrf.demo.generate.generate_population``) writes impots.csv, amendes.csv,
secteur_local.csv and verite.csv (cached under ``--data``); each system then runs in its own
process so that its peak RSS is its own. Printed per system:

* pairwise precision / recall / F1 of the accepted pairs;
* cluster-level precision / recall / F1 by **pair counting** (every two records put in one
  cluster form a predicted pair, compared with the true pairs), and B-cubed precision, recall
  and F1 (averaged over records);
* candidate pairs and blocking recall (true pairs among the candidates);
* link time (normalisation, training, blocking, scoring, clustering; CSV reading apart) and peak
  RSS of the process.

Splink 4+ (DuckDB backend) gets a fair configuration: the same normalised inputs (our
normaliser, timed apart), similar comparisons (names with term frequencies, birth date, sex,
address levels), the same blocking rules, u by random sampling, m by EM sessions on the birth
date and on surname + first name, clusters at the same threshold.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_data import generate, load  # noqa: E402

from matching import MatchSettings, bcubed_metrics, cluster_metrics, link, pairwise_metrics  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def quality(pairs: list[tuple[Any, Any]], clusters: dict, truth: dict) -> dict[str, Any]:
    pw = pairwise_metrics(pairs, truth)
    cm = cluster_metrics(clusters, truth)
    b3 = bcubed_metrics(clusters, truth)
    return {
        "pair_precision": pw.precision, "pair_recall": pw.recall, "pair_f1": pw.f1,
        "cluster_precision": cm.precision, "cluster_recall": cm.recall, "cluster_f1": cm.f1,
        "bcubed_precision": b3.precision, "bcubed_recall": b3.recall, "bcubed_f1": b3.f1,
    }


# --- the two systems, each run in its own process --------------------------------------------


def run_ours(folder: Path, workers: int, incremental: bool = False) -> dict[str, Any]:
    t = time.perf_counter()
    records, truth = load(folder)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    result = link(records, MatchSettings(workers=workers), truth=truth)
    link_s = time.perf_counter() - t
    pairs = result.pairs.keys()
    out = {"system": "matching", "records": len(records), "read_s": read_s, "time_s": link_s,
           "candidate_pairs": result.stats["candidate_pairs"], "blocking_recall": result.stats["blocking_recall"],
           "timings": result.stats["timings_s"], **quality(pairs, result.clusters, truth)}
    out["peak_rss_mb"] = peak_rss_mb()
    if incremental:  # the daily flow: new records against an index of every known person
        import dataclasses
        import random

        from matching import MatchIndex

        model, clusters = result.model, result.clusters
        del result
        t = time.perf_counter()
        index = MatchIndex.build(records, model, persons=clusters)
        out["index_build_s"] = time.perf_counter() - t
        sample = random.Random(0).sample(records, 500)
        times = []
        for r in sample:
            new = dataclasses.replace(r, source="nouveau")
            t = time.perf_counter()
            index.match(new)
            times.append(time.perf_counter() - t)
        times.sort()
        out["match_ms_mean"] = 1000 * sum(times) / len(times)
        out["match_ms_p95"] = 1000 * times[int(0.95 * len(times))]
        out["index_peak_rss_mb"] = peak_rss_mb()
    return out


def run_splink(folder: Path, workers: int) -> dict[str, Any]:
    import duckdb
    import pyarrow as pa
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from matching.dates import is_valid
    from matching.table import build_table

    t = time.perf_counter()
    records, truth = load(folder)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    table = build_table(records)  # the same normalisation as ours, so that only the model differs
    v = table.vocabs

    def names(codes, vocab):
        return [vocab.values[c] if c >= 0 else None for c in codes.tolist()]

    surname = [u or last or birth for u, last, birth in zip(
        names(table.sur_usage, v.surname), names(table.sur_last, v.surname), names(table.sur_birth, v.surname),
        strict=False)]
    dob = [f"{d // 10000:04d}-{d // 100 % 100:02d}-{d % 100:02d}" if is_valid(d) else None
           for d in table.birth_date.tolist()]
    commune = names(table.commune, v.commune)
    street = names(table.street, v.street)
    number = names(table.number, v.number)
    keys = table.keys()
    arrow = pa.table({
        "unique_id": [f"{s}|{i}" for s, i in keys],
        "surname": surname,
        "surname_birth": names(table.sur_birth, v.surname),
        "first_name": names(table.first_name, v.first_name),
        "dob": dob,
        "sex": [{1: "M", 2: "F"}.get(x) for x in table.sex.tolist()],
        "commune": commune,
        "street_key": [f"{s}|{c}" if s and c else None for s, c in zip(street, commune, strict=False)],
        "address_key": [f"{n}|{s}|{c}" if n and s and c else None
                        for n, s, c in zip(number, street, commune, strict=False)],
    })
    prep_s = time.perf_counter() - t
    del table

    t = time.perf_counter()
    con = duckdb.connect()
    if workers > 0:
        con.execute(f"SET threads TO {workers}")
    con.register("arrow_input", arrow)
    con.execute("CREATE TABLE bench_input AS SELECT * FROM arrow_input")
    con.unregister("arrow_input")
    del arrow
    db_api = DuckDBAPI(connection=con)
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("commune"),
            cll.ExactMatchLevel("address_key"),
            cll.ExactMatchLevel("street_key"),
            cll.ExactMatchLevel("commune"),
            cll.ElseLevel(),
        ],
    )
    rules = [block_on("surname", "dob"), block_on("first_name", "dob"), block_on("surname", "first_name"),
             block_on("surname_birth", "first_name"), block_on("surname", "commune"), block_on("dob", "commune")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            address,
        ],
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(db_api.register("bench_input"), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("surname", "first_name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname", "first_name"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters_df = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_probability=0.95)
    splink_s = time.perf_counter() - t

    def split(uid: str) -> tuple[str, str]:
        s, i = uid.split("|", 1)
        return (s, i)

    rows = con.execute(
        f"SELECT unique_id_l, unique_id_r FROM {pred.physical_name} WHERE match_probability >= 0.95"
    ).fetchall()
    pairs = [(split(a), split(b)) for a, b in rows]
    clusters = {split(u): c for u, c in con.execute(
        f"SELECT unique_id, cluster_id FROM {clusters_df.physical_name}").fetchall()}
    n_cand = con.execute(f"SELECT count(*) FROM {pred.physical_name}").fetchone()[0]
    out = {"system": "splink", "records": len(records), "read_s": read_s, "prep_s": prep_s, "time_s": splink_s,
           "time_with_prep_s": splink_s + prep_s, "pairs_over_0_5": n_cand, **quality(pairs, clusters, truth)}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# --- driver -----------------------------------------------------------------------------------


def child(system: str, folder: Path, workers: int, incremental: bool = False) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", system, "--folder", str(folder), "--workers", str(workers)]
    if incremental:
        cmd.append("--incremental")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"system": system, "error": proc.stderr[-2000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def show(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"  {r['system']:9s} ÉCHEC : {r['error'].strip().splitlines()[-1] if r['error'].strip() else '?'}"
    extra = (f" cand={r['candidate_pairs']:,} rappel_blocage={r['blocking_recall']:.4f}" if "candidate_pairs" in r
             else f" (+ préparation {r['prep_s']:.1f} s = {r['time_with_prep_s']:.1f} s)")
    return (
        f"  {r['system']:9s} paires P={r['pair_precision']:.4f} R={r['pair_recall']:.4f} F1={r['pair_f1']:.4f} | "
        f"groupes P={r['cluster_precision']:.4f} R={r['cluster_recall']:.4f} F1={r['cluster_f1']:.4f} "
        f"| B3 P={r['bcubed_precision']:.4f} R={r['bcubed_recall']:.4f} F1={r['bcubed_f1']:.4f} "
        f"| {r['time_s']:.1f} s, RSS {r['peak_rss_mb']:.0f} Mo |{extra}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000",
                        help="nombres d'enregistrements sources, séparés par des virgules")
    parser.add_argument("--splink", action="store_true", help="comparer avec Splink (DuckDB)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="fils de calcul (rapidfuzz, DuckDB)")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mrf-bench-matching")
    parser.add_argument("--json", type=Path, help="écrire aussi les résultats en JSON")
    parser.add_argument("--incremental", action="store_true",
                        help="mesurer aussi le rapprochement incrémental (index de toutes les personnes)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        if args.worker == "matching":
            print(json.dumps(run_ours(args.folder, args.workers, args.incremental)))
        else:
            print(json.dumps(run_splink(args.folder, args.workers)))
        return 0

    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = generate(size, args.seed, args.data)
        print(f"== {size:,} enregistrements sources ({folder.name})", flush=True)
        systems = ["matching"] + (["splink"] if args.splink else [])
        for system in systems:
            r = child(system, folder, args.workers, args.incremental and system == "matching")
            r["size"] = size
            results.append(r)
            print(show(r), flush=True)
            if system == "matching" and "timings" in r:
                print(f"            étapes : {r['timings']}", flush=True)
            if "match_ms_mean" in r:
                print(f"            incrémental : index construit en {r['index_build_s']:.1f} s, "
                      f"{r['match_ms_mean']:.1f} ms par enregistrement (p95 {r['match_ms_p95']:.1f} ms), "
                      f"RSS {r['index_peak_rss_mb']:.0f} Mo", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
