"""Quality of ``matching`` on records the French reference does not know.

    python benchmarks/matching_foreign.py [--persons 5000] [--seed 1] [--demo 10000]

1. FEBRL-style English records (``matching_foreign_data``: persons abroad, four-digit postcodes,
   free-typed towns, one duplicate per original with typing errors in names and dates), linked by
   the command line ``python -m matching link`` (names, date, street, postcode and town mapped),
   with the reference on and switched off (``--sans-referentiel``): blocking recall, candidate
   pairs, pair and cluster precision / recall / F1, time.
2. The demo population with a share of its persons moved abroad (every record of such a person
   gets a foreign address: four-digit or other postcodes, the town typed freely, differently
   from one source to the other): recall and precision of the pairs of those persons, and the
   cluster figures of the whole population.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_data import generate as generate_demo  # noqa: E402
from demo_data import load as load_demo  # noqa: E402
from matching_foreign_data import generate  # noqa: E402

from matching import MatchSettings, Record, cluster_metrics, link, pairwise_metrics  # noqa: E402
from matching.csvio import parse_maps, read_records  # noqa: E402

MAPS = ["given_name=first_names", "surname=last_name", "date_of_birth=birth_date", "street_number=street_number",
        "address_1=street", "address_2=address", "postcode=postcode", "suburb=city"]
FILES = ("originals.csv", "duplicates.csv")


def _truth(folder: Path) -> dict[tuple[str, str], str]:
    with (folder / "truth.csv").open(encoding="utf-8") as fh:
        return {(row["file"], row["rec_id"]): row["person"] for row in csv.DictReader(fh)}


def run_cli(folder: Path, reference: bool) -> dict[str, float]:
    """The command line on the two files: pairs and clusters it writes, against the truth."""
    out, clusters = folder / "pairs.csv", folder / "clusters.csv"
    cmd = [sys.executable, "-m", "matching", "link", *FILES, "--id-column", "rec_id", "--out", str(out),
           "--clusters", str(clusters)]
    for spec in MAPS:
        cmd += ["--map", spec]
    if not reference:
        cmd.append("--sans-referentiel")
    t = time.perf_counter()
    subprocess.run(cmd, cwd=folder, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - t
    truth = _truth(folder)
    with out.open(encoding="utf-8") as fh:
        pairs = [((r["left_file"], r["left_id"]), (r["right_file"], r["right_id"])) for r in csv.DictReader(fh)]
    with clusters.open(encoding="utf-8") as fh:
        labels = {(r["file"], r["id"]): r["cluster"] for r in csv.DictReader(fh)}
    pw, cm = pairwise_metrics(pairs, truth), cluster_metrics(labels, truth)
    return {"pair_p": pw.precision, "pair_r": pw.recall, "pair_f1": pw.f1, "cluster_p": cm.precision,
            "cluster_r": cm.recall, "cluster_f1": cm.f1, "time_s": elapsed}


def run_library(folder: Path, reference: bool) -> dict[str, float]:
    """The same linkage in the library, for the blocking figures the command line does not print."""
    records: list[Record] = []
    for name in FILES:
        records += read_records(folder / name, name, "rec_id", parse_maps(MAPS))
    result = link(records, MatchSettings(reference=reference), truth=_truth(folder))
    return {"candidates": result.stats["candidate_pairs"], "blocking_recall": result.stats["blocking_recall"]}


# --- the demo with persons moved abroad --------------------------------------------------------

ABROAD = (  # (postcodes drawn from, the town as each source may type it)
    ("1000-1210", ("BRUXELLES", "Bruxelles (Belgique)", "BRUXELLES BELGIQUE", "Brussel")),
    ("1200-1299", ("GENEVE", "Genève (Suisse)", "GENEVE SUISSE", "GENÈVE")),
    ("1000-1018", ("LAUSANNE", "Lausanne (Suisse)", "LAUSANNE SUISSE")),
    ("1000-1999", ("LISBOA", "Lisbonne (Portugal)", "LISBONNE", "LISBOA PORTUGAL")),
    ("4000-4999", ("PORTO", "Porto (Portugal)", "OPORTO")),
    ("L-1009-L-2999", ("LUXEMBOURG", "Luxembourg (Luxembourg)", "LUXEMBOURG VILLE")),
    ("98000", ("MONACO", "Monaco", "MONTE CARLO")),
    ("28001-28055", ("MADRID", "Madrid (Espagne)", "MADRID ESPAGNE")),
    ("SW1A 1AA", ("LONDON", "Londres (Royaume-Uni)", "LONDRES")),
    ("10115-14199", ("BERLIN", "Berlin (Allemagne)", "BERLIN ALLEMAGNE")),
)
STREETS = ("Rue Royale", "Avenue Louise", "Chaussée de Wavre", "Rua Augusta", "Calle Mayor", "Grand-Rue",
           "Route de Chêne", "Baker Street", "Hauptstrasse", "Rue du Rhône", "Boulevard Princesse Charlotte")


def _postcode(rnd: random.Random, spec: str) -> str:
    """A postcode drawn from ``spec``: a range "1000-1210" (or "L-1009-L-2999"), else as written."""
    prefix = "L-" if spec.startswith("L-") else ""
    body = spec.replace("L-", "")
    if "-" not in body:
        return spec
    lo, hi = body.split("-")
    return prefix + str(rnd.randint(int(lo), int(hi))).zfill(len(lo))


def move_abroad(records: list[Record], truth: dict, share: float, seed: int) -> tuple[list[Record], set[str]]:
    """Every record of ``share`` of the persons gets one foreign address of that person, its town
    typed as its source would (one spelling per source), sometimes without postcode."""
    rnd = random.Random(seed)
    persons = sorted(set(truth.values()))
    chosen = set(rnd.sample(persons, int(share * len(persons))))
    homes: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}
    for p in sorted(chosen):
        spec, towns = ABROAD[rnd.randrange(len(ABROAD))]
        homes[p] = (str(rnd.randint(1, 120)), rnd.choice(STREETS), _postcode(rnd, spec), towns)
    out = []
    for r in records:
        p = truth.get(r.key)
        if p in chosen:
            number, street, postcode, towns = homes[p]
            town = towns[sum(map(ord, r.source)) % len(towns)] if rnd.random() < 0.7 else rnd.choice(towns)
            r = dataclasses.replace(r, street_number=number, street=street, address=None,
                                    postcode=postcode if rnd.random() < 0.85 else None, city=town)
        out.append(r)
    return out, chosen


def run_demo_abroad(size: int, seed: int, data: Path, reference: bool) -> dict[str, float]:
    records, truth = load_demo(generate_demo(size, seed, data))
    records, abroad = move_abroad(records, truth, 0.05, seed)
    t = time.perf_counter()
    result = link(records, MatchSettings(reference=reference), truth=truth)
    elapsed = time.perf_counter() - t
    pairs = result.pairs.keys()
    abroad_truth = {k: p for k, p in truth.items() if p in abroad}
    abroad_pairs = [(a, b) for a, b in pairs if a in abroad_truth or b in abroad_truth]
    pw = pairwise_metrics(abroad_pairs, abroad_truth)
    wrong = sum(1 for a, b in abroad_pairs if truth.get(a) != truth.get(b))
    cm = cluster_metrics(result.clusters, truth)
    return {"abroad_records": len(abroad_truth), "abroad_pair_r": pw.recall,
            "abroad_pair_p": 1 - wrong / len(abroad_pairs) if abroad_pairs else 1.0,
            "cluster_p": cm.precision, "cluster_r": cm.recall, "cluster_f1": cm.f1,
            "blocking_recall": result.stats["blocking_recall"], "time_s": elapsed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=5000, help="originaux (et autant de doublons)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--demo", type=int, default=10000, help="taille de la démonstration (0 : ne pas la lancer)")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mrf-bench-foreign")
    args = parser.parse_args(argv)

    folder = generate(args.data / f"febrl_{args.persons}_{args.seed}", args.persons, args.seed)
    print(f"== enregistrements étrangers type FEBRL : {args.persons} originaux + {args.persons} doublons "
          f"(graine {args.seed})", flush=True)
    for reference in (True, False):
        lib, cli = run_library(folder, reference), run_cli(folder, reference)
        print(f"  référentiel {'actif ' if reference else 'coupé '} candidates={lib['candidates']:,} "
              f"rappel_blocage={lib['blocking_recall']:.4f} | commande : paires P={cli['pair_p']:.4f} "
              f"R={cli['pair_r']:.4f} F1={cli['pair_f1']:.4f} | groupes P={cli['cluster_p']:.4f} "
              f"R={cli['cluster_r']:.4f} F1={cli['cluster_f1']:.4f} | {cli['time_s']:.1f} s", flush=True)
    if args.demo:
        print(f"== démonstration {args.demo:,} enregistrements, 5 % des personnes domiciliées à l'étranger",
              flush=True)
        for reference in (True, False):
            r = run_demo_abroad(args.demo, args.seed, Path(os.environ.get("TMPDIR", "/tmp")) / "mrf-bench-matching",
                                reference)
            print(f"  référentiel {'actif ' if reference else 'coupé '} fiches à l'étranger={r['abroad_records']} "
                  f"paires de ces personnes P={r['abroad_pair_p']:.4f} R={r['abroad_pair_r']:.4f} | "
                  f"tous : groupes P={r['cluster_p']:.4f} R={r['cluster_r']:.4f} F1={r['cluster_f1']:.4f} "
                  f"rappel_blocage={r['blocking_recall']:.4f} | {r['time_s']:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
