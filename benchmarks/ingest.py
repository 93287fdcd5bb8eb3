"""Ingestion speed and memory: import generated impôts files of N lines into SQLite and PostgreSQL.

The file looks like a SIP extract: debtors living in the communes of the Yonne and the Nièvre (721)
(real names, postal codes and INSEE codes from the vendored reference, drawn by population), each
commune in the territory of one of six SIPs (the line's comptable); varied names, birth dates and
addresses; one to six avis per debtor. Avis references and numéros fiscaux are scattered over their
range rather than sequential, so that index inserts land all over the indexes instead of at their
right edge. The same seed gives the same files.

Three phases run one after the other on the same database, in one child process (so that the
generator's memory does not count):

1. first import of the file into an empty database;
2. re-import of the same file: nothing changes (idempotent);
3. import of a second file, the first one but for about 10 % of the lines whose reste à recouvrer
   is lowered: each is an updated créance and a CreanceEvent.

Each phase prints lines per second and the peak RSS of the importing process during the phase;
the peak RSS of the parser process (forked by the importer for large files) is printed once.
The counts of each import are checked (no rejects, nothing changed on the re-import, exactly
the lowered lines changed); a discrepancy makes the exit status 1.
Targets: ≥ 20,000 lines/s, peak RSS ≤ 300 MB.

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
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.reference import load_reference  # noqa: E402
from mrf.ingest.formats import IMPOTS  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEPARTEMENTS = ("89", "58")
SIPS_PER_DEPARTEMENT = 3
LOWERED_FRACTION = 0.10

SURNAMES = tuple((
    "MARTIN, BERNARD, THOMAS, PETIT, ROBERT, RICHARD, DURAND, DUBOIS, MOREAU, LAURENT, SIMON, MICHEL, "
    "LEFEBVRE, LEROY, ROUX, DAVID, BERTRAND, MOREL, FOURNIER, GIRARD, BONNET, DUPONT, LAMBERT, FONTAINE, "
    "ROUSSEAU, VINCENT, MULLER, LEFEVRE, FAURE, ANDRE, MERCIER, BLANC, GUERIN, BOYER, GARNIER, "
    "CHEVALIER, FRANCOIS, LEGRAND, GAUTHIER, GARCIA, PERRIN, ROBIN, CLEMENT, MORIN, NICOLAS, HENRY, "
    "ROUSSEL, MATHIEU, GAUTIER, MASSON, MARCHAND, DUVAL, DENIS, DUMONT, MARIE, LEMAIRE, NOEL, MEYER, "
    "DUFOUR, MEUNIER, BRUN, BLANCHARD, GIRAUD, JOLY, RIVIERE, LUCAS, BRUNET, GAILLARD, BARBIER, ARNAUD, "
    "MARTINEZ, GERARD, ROCHE, RENARD, SCHMITT, ROY, LEROUX, COLIN, VIDAL, CARON, PICARD, ROGER, FABRE, "
    "AUBERT, LEMOINE, RENAUD, DUMAS, LACROIX, OLIVIER, PHILIPPE, BOURGEOIS, PIERRE, BENOIT, REY, "
    "LECLERC, PAYET, ROLLAND, LECLERCQ, GUILLAUME, LECOMTE, LOPEZ, JEAN, DUPUY, GUILLOT, HUBERT, BERGER, "
    "CARPENTIER, SANCHEZ, DUPUIS, MOULIN, LOUIS, DESCHAMPS, HUET, VASSEUR, PEREZ, BOUCHER, FLEURY, "
    "ROYER, KLEIN, JACQUET, ADAM, PARIS, POIRIER, MARTY, AUBRY, GUYOT, CARRE, CHARLES, RENAULT, "
    "CHARPENTIER, MENARD, MAILLARD, BARON, BERTIN, BAILLY, HERVE, SCHNEIDER, FERNANDEZ, LE GALL, COLLET, "
    "LEGER, BOUVIER, JULIEN, PREVOST, MILLET, PERROT, DANIEL, LE ROUX, COUSIN, GERMAIN, BRETON, BESSON, "
    "LANGLOIS, REMY, LE GOFF, PELLETIER, LEVEQUE, PERRIER, LEBLANC, BARRE, LEBRUN, MARCHAL, WEBER, "
    "MALLET, HAMON, BOULANGER, JACOB, MONNIER, MICHAUD, RODRIGUEZ, GUICHARD, GILLET, ETIENNE, GRONDIN, "
    "POULAIN, TESSIER, CHEVALLIER, COLLIN, CHAUVIN, DA SILVA, BOUCHET, GAY, LEMAITRE, BENARD, MARECHAL, "
    "HUMBERT, REYNAUD, ANTOINE, HOARAU, PERRET, BARTHELEMY, CORDIER, PICHON, LEJEUNE, GILBERT, LAMY, "
    "DELAUNAY, PASQUIER, CARLIER, LAPORTE").split(", "))
FIRST_NAMES = {
    "F": ("MARIE", "NATHALIE", "ISABELLE", "SYLVIE", "CATHERINE", "FRANCOISE", "MARTINE", "CHRISTINE",
          "MONIQUE", "VALERIE", "SANDRINE", "SOPHIE", "STEPHANIE", "CELINE", "CHANTAL", "NICOLE", "VERONIQUE",
          "ANNE", "CAROLINE", "JULIE", "AURELIE", "LAURENCE", "EMILIE", "CLAIRE", "CAMILLE", "PATRICIA",
          "SANDRA", "BRIGITTE", "JACQUELINE", "DANIELLE", "LEA", "MANON", "EMMA", "CHLOE", "JEANNE", "LOUISE",
          "ALICE", "PAULINE", "MATHILDE", "AGNES", "HELENE", "ELODIE", "AUDREY", "MELANIE", "CHRISTIANE"),
    "M": ("JEAN", "PHILIPPE", "MICHEL", "ALAIN", "PATRICK", "NICOLAS", "CHRISTOPHE", "PIERRE", "CHRISTIAN",
          "ERIC", "FREDERIC", "LAURENT", "STEPHANE", "DAVID", "PASCAL", "DANIEL", "SEBASTIEN", "JULIEN",
          "THIERRY", "OLIVIER", "BERNARD", "THOMAS", "ALEXANDRE", "GERARD", "DIDIER", "DOMINIQUE", "VINCENT",
          "FRANCOIS", "BRUNO", "GUILLAUME", "JEROME", "JACQUES", "MARC", "FRANCK", "LUCAS", "HUGO", "LOUIS",
          "GABRIEL", "ARTHUR", "ANTOINE", "MAXIME", "ROGER", "ANDRE", "RENE", "YVES", "CLAUDE", "PAUL"),
}
STREET_TYPES = ("RUE", "RUE", "RUE", "AVENUE", "CHEMIN", "ROUTE", "PLACE", "IMPASSE", "ALLEE", "BOULEVARD",
                "GRANDE RUE", "HAMEAU", "LIEU-DIT")
STREET_NAMES = ("DE PARIS", "DU MOULIN", "DES ECOLES", "JEAN JAURES", "VICTOR HUGO", "DE LA GARE",
                "DE L'EGLISE", "PASTEUR", "DU CHATEAU", "DES LILAS", "DE LA REPUBLIQUE", "DU GENERAL DE GAULLE",
                "DE LA MAIRIE", "DES VIGNES", "DU STADE", "DE LA FONTAINE", "GAMBETTA", "DES TILLEULS",
                "DU CANAL", "DE BOURGOGNE", "DES PRES", "DE LA LIBERATION", "JULES FERRY", "DU 8 MAI 1945",
                "DU PONT", "DES ROSES", "SAINT-GERMAIN", "DE LA FORET", "DU LAVOIR", "DES CHAMPS")
# (impôt, weight, (day/month of mise en recouvrement, of exigibilité), year offset of both dates)
TAXES = (("IR", 5, ("31/07", "15/09"), 1), ("TF", 3, ("31/08", "15/10"), 0), ("TH", 1, ("31/10", "15/11"), 0),
         ("PS", 1, ("31/07", "15/09"), 1))
# Shares of the lines whose reste à recouvrer is whole, partly paid, zero (soldée); the others are
# cancelled. Only the first two can be lowered.
RAR_WHOLE, RAR_PARTIAL, RAR_ZERO = 0.70, 0.93, 0.98
# Bijections of the line and debtor numbers (multipliers prime to the moduli): every reference and
# numéro fiscal is distinct, and consecutive lines get scattered ones.
REFERENCE_MODULUS, REFERENCE_MULTIPLIER = 10**10, 7_368_787_111
FISCAL_MODULUS, FISCAL_MULTIPLIER = 4 * 10**9, 2_654_435_761


def _folded(name: str) -> str:
    """Upper case without accents, as the extracts spell communes."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).upper()


@dataclass(frozen=True)
class Place:
    code_insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    population: int
    sip: str


def places() -> list[Place]:
    """The communes of DEPARTEMENTS, each in the territory of one SIP: per département, the
    communes ordered by postal code are cut into SIPS_PER_DEPARTEMENT runs (neighbours together)."""
    reference = load_reference()
    out = []
    for dep in DEPARTEMENTS:
        communes = sorted((c for c in reference.by_code.values()
                           if c.departement == dep and c.type == "COM" and c.postcodes),
                          key=lambda c: (c.postcodes[0], c.code_insee))
        size = -(-len(communes) // SIPS_PER_DEPARTEMENT)
        out += [Place(c.code_insee, _folded(c.nom), c.postcodes, dep, c.population, f"SIP-{dep}-{i // size + 1}")
                for i, c in enumerate(communes)]
    return out


def structure_specs(territory: list[Place]) -> list[list]:
    """[code, name, département, codes INSEE] of each SIP, for StructureSpec in the child process."""
    sips: dict[str, list[str]] = {}
    for place in territory:
        sips.setdefault(place.sip, []).append(place.code_insee)
    return [[code, f"SIP de mesure {code[4:]}", code[4:6], sorted(codes)] for code, codes in sorted(sips.items())]


def fiscal_number(debtor: int, seed: int) -> str:
    first_ten = (debtor * FISCAL_MULTIPLIER + seed) % FISCAL_MODULUS  # first digit 0 to 3, as required
    return f"{first_ten:010d}{first_ten % 511:03d}"


def euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def write_files(outputs: dict[Path, float], lines: int, territory: list[Place], seed: int = 1) -> dict[Path, int]:
    """Write the same LINES lines into each output, but for about the given fraction of the lines
    whose reste à recouvrer is lowered there (a payment; to zero, the créance becomes soldée);
    returns the number of lowered lines per output. One line per créance, about three per debtor,
    the debtor's identity repeated on each of its lines as in the real extracts."""
    rng = random.Random(seed)
    lowering = {path: random.Random(f"{seed}:{fraction}") for path, fraction in outputs.items()}
    lowered = dict.fromkeys(outputs, 0)
    weights = list(accumulate(max(place.population, 1) for place in territory))
    birthplaces = sorted({_folded(c.nom) for c in load_reference().by_code.values() if c.type == "COM"})
    tax_weights = list(accumulate(weight for _, weight, _, _ in TAXES))
    handles = [path.open("w", encoding="utf-8", newline="") for path in outputs]
    try:
        writers = [csv.writer(fh, delimiter=";") for fh in handles]
        for writer in writers:
            writer.writerow(IMPOTS.names)
        names = IMPOTS.names
        rar_column = names.index("reste_a_recouvrer")
        line, debtor = 0, 0
        while line < lines:
            place = territory[bisect(weights, rng.random() * weights[-1])]
            sexe = rng.choice("MF")
            birth = rng.randint(1935, 2005)
            identity = {
                "numero_fiscal": fiscal_number(debtor, seed), "nom_naissance": rng.choice(SURNAMES),
                "nom_usage": rng.choice(SURNAMES) if sexe == "F" and rng.random() < 0.4 else "",
                "prenoms": " ".join(rng.sample(FIRST_NAMES[sexe], rng.choice((1, 1, 2, 2, 3)))), "sexe": sexe,
                "date_naissance": (f"00/00/{birth}" if rng.random() < 0.005 else
                                   f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{birth}"),
                "lieu_naissance": place.name if rng.random() < 0.4 else rng.choice(birthplaces),
                "numero_voie": str(rng.randint(1, 150)) + (" BIS" if rng.random() < 0.05 else ""),
                "voie": f"{rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}",
                "complement_adresse": (f"BAT {rng.choice('ABCD')} APPT {rng.randint(1, 40)}"
                                       if rng.random() < 0.08 else ""),
                "code_postal": rng.choice(place.postcodes), "commune": place.name, "code_insee": place.code_insee,
                "comptable": place.sip,
            }
            for _ in range(min(rng.choice((1, 1, 2, 3, 3, 4, 4, 5, 6)), lines - line)):
                tax = TAXES[bisect(tax_weights, rng.random() * tax_weights[-1])]
                impot, _, (recouvrement, exigibilite), offset = tax
                year = rng.randint(2019, 2024)
                amount = int(10 ** rng.uniform(3, 6.3))  # 10 € to 20,000 €
                draw = rng.random()
                rar, status = ((amount, "") if draw < RAR_WHOLE else (rng.randrange(1, amount), "")
                               if draw < RAR_PARTIAL else (0, "") if draw < RAR_ZERO else (amount, "ANNULEE"))
                number = (line * REFERENCE_MULTIPLIER + seed) % REFERENCE_MODULUS
                row = {
                    **identity, "reference_avis": f"{year % 100:02d}{place.departement}{number:010d}",
                    "impot": impot, "annee": str(year), "montant_initial": euros(amount),
                    "reste_a_recouvrer": euros(rar), "statut": status,
                    "date_mise_en_recouvrement": f"{recouvrement}/{year + offset}",
                    "date_exigibilite": f"{exigibilite}/{year + offset}",
                }
                cells = [row.get(c, "") for c in names]  # the optional columns it does not fill stay empty
                for writer, (path, fraction) in zip(writers, outputs.items(), strict=False):
                    # a line that can be lowered is, with the odds that make FRACTION of all lines
                    if fraction and rar and not status and lowering[path].random() < fraction / RAR_PARTIAL:
                        changed = list(cells)
                        changed[rar_column] = euros(lowering[path].randrange(rar))
                        writer.writerow(changed)
                        lowered[path] += 1
                    else:
                        writer.writerow(cells)
                line += 1
            debtor += 1
    finally:
        for fh in handles:
            fh.close()
    return lowered


CHILD = """
import json, re, resource, sys, time
from pathlib import Path
from mrf import schema
from mrf.extensions import db
from mrf.ingest.loader import import_file
from mrf.services.admin.structures import StructureSpec, upsert_structures

def reset_peak():
    # Linux: reset the high-water mark of this process's RSS, so that each phase has its own peak.
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass

def peak_kb():
    try:
        return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

url, specs, phases = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
schema.upgrade(url)
db.configure(url)
upsert_structures([StructureSpec(code, name, "sip", dep, ("impots",), tuple(communes))
                   for code, name, dep, communes in specs])
for label, path in phases:
    reset_peak()
    start = time.perf_counter()
    report = import_file("impots", Path(path))
    elapsed = time.perf_counter() - start
    print(json.dumps({"phase": label, "lines": report.lines_read, "rejected": report.rejected,
                      "seconds": elapsed, "rss_kb": peak_kb(), "created": report.creances_created,
                      "changed": report.creances_changed, "unchanged": report.creances_unchanged}), flush=True)
print(json.dumps({"parser_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}), flush=True)
"""


def database(backend: str, workdir: Path) -> tuple[str, Callable[[], None]]:
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


def number(value: float) -> str:
    """French grouping of digits: 1 000 000."""
    return f"{value:,.0f}".replace(",", " ")


def percent(share: float) -> str:
    """French style: 10,2 %."""
    return f"{share * 100:.1f} %".replace(".", ",")


def expected(phase: str, lines: int, lowered: int) -> tuple[int, int, int]:
    """(created, changed, unchanged) créances that the import of PHASE must report."""
    if phase == "first":
        return lines, 0, 0
    if phase == "same":
        return 0, 0, lines
    return 0, lowered, lines - lowered


def run(backend: str, workdir: Path, specs: list[list], phases: list[tuple[str, str, Path]], lines: int,
        lowered: int) -> bool:
    """The phases on a fresh database of BACKEND; prints one line per phase as it ends. False when
    a count is not the expected one."""
    url, drop = database(backend, workdir)
    ok = True
    labels = {key: label for key, label, _ in phases}
    try:
        with (workdir / "stderr.txt").open("w+", encoding="utf-8") as stderr:
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, url, json.dumps(specs),
                 json.dumps([(key, str(path)) for key, _, path in phases])],
                stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT,
                env={**os.environ, "MRF_INSTANCE_PATH": str(workdir / "instance")})
            for output in child.stdout:
                if not output.startswith("{"):
                    continue  # not one of the child's figures
                figures = json.loads(output)
                if "parser_rss_kb" in figures:
                    parser_mb = figures["parser_rss_kb"] / 1024
                    print(f"{backend:<11} processus d'analyse : " + (
                        f"RSS max {parser_mb:.0f} Mo (cible ≤ 300)" if parser_mb else "aucun (petit fichier)"))
                    continue
                counts = (figures["created"], figures["changed"], figures["unchanged"])
                print(f"{backend:<11} {labels[figures['phase']]:<24} {figures['lines']} lignes en "
                      f"{figures['seconds']:.1f} s : {number(figures['lines'] / figures['seconds'])} lignes/s "
                      f"(cible ≥ 20 000) ; RSS max {figures['rss_kb'] / 1024:.0f} Mo (cible ≤ 300) ; "
                      f"rejets {figures['rejected']} ; créances : {number(counts[0])} nouvelles, "
                      f"{number(counts[1])} modifiées, {number(counts[2])} inchangées", flush=True)
                if figures["rejected"] or counts != expected(figures["phase"], lines, lowered):
                    print(f"{backend:<11} ÉCART : attendu {expected(figures['phase'], lines, lowered)} "
                          f"(nouvelles, modifiées, inchangées) et aucun rejet", flush=True)
                    ok = False
            if child.wait():
                stderr.seek(0)
                sys.exit(f"{backend} : échec de l'importation\n{stderr.read()[-5000:]}")
    finally:
        drop()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        first, changed = workdir / "impots.csv", workdir / "impots_modifie.csv"
        t0 = time.perf_counter()
        territory = places()
        lowered = write_files({first: 0.0, changed: LOWERED_FRACTION}, args.lines, territory)[changed]
        print(f"fichier : {args.lines} lignes, {first.stat().st_size / 1e6:.0f} Mo, {len(territory)} communes, "
              f"généré en {time.perf_counter() - t0:.1f} s ; second fichier : {number(lowered)} lignes au reste "
              f"à recouvrer diminué ({percent(lowered / max(args.lines, 1))})")
        phases = [("first", "première importation", first), ("same", "réimportation identique", first),
                  ("changed", f"{LOWERED_FRACTION * 100:.0f} % modifiées", changed)]
        ok = True
        for backend in args.backends.split(","):
            ok = run(backend, workdir, structure_specs(territory), phases, args.lines, lowered) and ok
        if not ok:
            sys.exit(1)


if __name__ == "__main__":
    main()
