"""The demo population as the matching benchmarks read it: generated once per size and seed
(``mrf.demo.generate``), cached on disk, loaded as ``matching`` records with their ground truth."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] != str(ROOT):  # before benchmarks/, whose matching.py would hide the package
    sys.path.insert(0, str(ROOT))

from matching import Record  # noqa: E402
from matching.csvio import parse_maps, read_records  # noqa: E402

RECORDS_PER_PERSON = 1.62
COMMON = ["sexe=sex", "date_naissance=birth_date", "lieu_naissance=birth_place", "numero_voie=street_number",
          "voie=street", "complement_adresse=address", "code_postal=postcode", "commune=city"]
SOURCES = {
    "impots": ("numero_fiscal", ["nom_naissance=birth_name", "nom_usage=usage_name", "prenoms=first_names", *COMMON]),
    "amendes": ("id_debiteur", ["nom=last_name", "prenom=first_names", *COMMON]),
    "secteur_local": ("id_tiers", ["nom=last_name", "prenom=first_names", *COMMON]),
}


def generate(size: int, seed: int, data: Path) -> Path:
    """Folder of the demo population of about ``size`` source records (generated if absent)."""
    persons = max(50, int(size / RECORDS_PER_PERSON))
    folder = data / f"demo_{persons}_{seed}"
    if not (folder / "verite.csv").exists():
        from mrf.demo.generate import generate_population

        t = time.perf_counter()
        generate_population(persons, seed, folder)
        print(f"  données générées : {persons} personnes en {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return folder


def load(folder: Path) -> tuple[list[Record], dict[tuple[str, str], str]]:
    """The three sources' records and the truth: (source, id) → person."""
    records: list[Record] = []
    for source, (id_col, maps) in SOURCES.items():
        records += read_records(folder / f"{source}.csv", source, id_col, parse_maps(maps))
    truth: dict[tuple[str, str], str] = {}
    with (folder / "verite.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            truth[(row["source"], row["source_key"])] = row["person_id"]
    return records, truth
