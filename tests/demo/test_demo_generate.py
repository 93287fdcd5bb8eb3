"""The demo population: formats, determinism, ground truth, households and noise (pure, no database)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from stdnum.fr import nif

from matching.reference import load_reference
from mrf.demo.generate import DemoFiles, generate_population
from mrf.demo.structures import DEPARTEMENTS, demo_structures
from mrf.ingest.formats import FORMATS, Source
from mrf.ingest.parse import LineParser
from mrf.ingest.reader import open_source_file

TODAY = date(2026, 11, 23)
PERSONS = 2000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate_population(PERSONS, 42, tmp_path_factory.mktemp("demo"))


def _path(demo: DemoFiles, source: Source) -> Path:
    return getattr(demo, source.value)


def _rows(demo: DemoFiles, source: Source) -> list[dict[str, str]]:
    with _path(demo, source).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _records(demo: DemoFiles, source: Source) -> dict[str, dict[str, str]]:
    """First line of each debtor record, by source key (the identity is repeated on each line)."""
    out: dict[str, dict[str, str]] = {}
    for row in _rows(demo, source):
        out.setdefault(row[FORMATS[source].key_column], row)
    return out


def _truth(demo: DemoFiles) -> dict[tuple[str, str], str]:
    with demo.truth.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    truth = {(r["source"], r["source_key"]): r["person_id"] for r in rows}
    assert len(truth) == len(rows), "one truth row per source record"
    return truth


def _parse_date(text: str) -> date:
    d, m, y = text.split("/")
    assert len(d) == 2 and len(m) == 2 and len(y) == 4, text
    return date(int(y), int(m), int(d))


def test_same_seed_same_bytes_other_seed_other_files(tmp_path: Path):
    a = generate_population(300, 7, tmp_path / "a")
    b = generate_population(300, 7, tmp_path / "b")
    c = generate_population(300, 8, tmp_path / "c")
    for name in ("impots", "amendes", "secteur_local", "truth"):
        assert getattr(a, name).read_bytes() == getattr(b, name).read_bytes(), name
        assert getattr(a, name).read_bytes() != getattr(c, name).read_bytes(), name
    assert (a.records, a.lines) == (b.records, b.lines)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "amendes.csv", "impots.csv", "secteur_local.csv", "verite.csv"]


def test_headers_columns_and_syntax(demo: DemoFiles):
    for source, fmt in FORMATS.items():
        raw = _path(demo, source).read_bytes()
        text = raw.decode("utf-8")  # UTF-8, no BOM
        assert not raw.startswith(b"\xef\xbb\xbf") and "\r" not in text and '"' not in text
        lines = text.split("\n")
        assert lines[-1] == ""
        assert lines[0] == ";".join(fmt.names)
        assert all(line.count(";") == len(fmt.names) - 1 for line in lines[1:-1])
        assert len(lines) - 2 == demo.lines[source.value]


def test_required_columns_filled_amounts_and_dates(demo: DemoFiles):
    date_columns = {"date_mise_en_recouvrement", "date_exigibilite", "date_infraction", "date_titre",
                    "date_emission", "date_prise_en_charge"}
    partial = 0
    for source, fmt in FORMATS.items():
        for row in _rows(demo, source):
            for name in fmt.required:
                assert row[name], (source, name, row)
            initial = int(row["montant_initial"].replace(",", ""))
            rar = int(row["reste_a_recouvrer"].replace(",", ""))
            assert row["montant_initial"][-3] == "," and 0 < rar <= initial, row
            partial += rar < initial
            assert row["sexe"] in ("", "M", "F")
            for name in date_columns & set(fmt.names):
                if row[name]:
                    assert date(2019, 1, 1) <= _parse_date(row[name]) <= TODAY, (name, row[name])
            if row["date_naissance"]:
                assert date(1925, 1, 1) <= _parse_date(row["date_naissance"]) <= date(2008, 12, 31)
    assert partial > 500  # some créances partly paid


def test_numeros_fiscaux_valid_and_unique(demo: DemoFiles):
    records = _records(demo, Source.IMPOTS)
    assert len(records) == demo.records["impots"]
    for key in records:
        assert len(key) == 13 and nif.is_valid(key), key


def test_communes_exist_and_comptable_is_competent(demo: DemoFiles):
    ref = load_reference()
    structures = {s.code: s for s in demo_structures()}
    product_of = {Source.IMPOTS: "impots", Source.AMENDES: "amendes", Source.SECTEUR_LOCAL: "secteur_local"}
    for source in FORMATS:
        for row in _rows(demo, source):
            commune = (ref.commune(row["code_insee"]) if row["code_insee"]
                       else ref.find(row["commune"], row["code_postal"]))
            assert commune is not None, row
            assert commune.departement in DEPARTEMENTS
            if row["code_insee"]:
                assert row["code_postal"][:2] == commune.departement
            s = structures[row["comptable"]]
            assert product_of[source] in s.products and s.departement in DEPARTEMENTS
            if row["code_insee"]:  # without it, a mistyped postal code may point at another commune
                assert commune.code_insee in s.communes, row
            if source is Source.SECTEUR_LOCAL and s.type == "tresorerie_mixte":
                assert row["hospitalier"] == "O"


def test_every_line_passes_the_import_parser(demo: DemoFiles):
    ref = load_reference()
    codes = {s.code for s in demo_structures()}
    for source, fmt in FORMATS.items():
        sf = open_source_file(_path(demo, source), fmt)
        assert sf.encoding == "utf-8" and sf.delimiter == ";"
        parser = LineParser(fmt, sf.header, ref, codes)
        for number, cells in sf.rows():
            parser.parse(number, cells)  # raises LineRejected


def test_truth_covers_every_record(demo: DemoFiles):
    truth = _truth(demo)
    keys = set()
    for source in FORMATS:
        records = _records(demo, source)
        assert len(records) == demo.records[source.value]
        keys |= {(source.value, k) for k in records}
    assert keys == set(truth)
    persons = set(truth.values())
    assert len(persons) == demo.persons == PERSONS
    assert all(p.startswith("P") and p[1:].isdigit() for p in persons)


def test_source_mix_and_duplicates(demo: DemoFiles):
    sources = defaultdict(set)
    keys = defaultdict(list)
    for (source, key), person in _truth(demo).items():
        sources[person].add(source)
        keys[(source, person)].append(key)
    multi = sum(1 for s in sources.values() if len(s) >= 2)
    assert multi == demo.multi_source_persons
    assert 0.40 <= multi / PERSONS <= 0.60
    assert sum(1 for s in sources.values() if len(s) == 3) > 50
    twice = defaultdict(int)
    for (source, _), ks in keys.items():
        twice[source] += len(ks) > 1
    assert twice["secteur_local"] >= 30 and twice["amendes"] >= 5


@pytest.fixture(scope="module")
def large_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """Enough people for the rarer households (twins, a son named like his father) to show."""
    return generate_population(10_000, 42, tmp_path_factory.mktemp("demo_large"))


def test_households_twins_homonyms_and_moves(large_demo: DemoFiles):
    demo = large_demo
    truth = _truth(demo)
    impots = [(truth[("impots", k)], r) for k, r in _records(demo, Source.IMPOTS).items()]
    by_address = defaultdict(list)
    for person, r in impots:
        by_address[(r["numero_voie"], r["voie"], r["code_insee"])].append((person, r))
    spouses = twins = juniors = 0
    for people in by_address.values():
        for i, (pa, a) in enumerate(people):
            for pb, b in people[i + 1:]:
                if pa == pb:
                    continue
                married = a["nom_usage"] == b["nom_naissance"] or b["nom_usage"] == a["nom_naissance"]
                if a["sexe"] != b["sexe"] and married:
                    spouses += 1
                if a["nom_naissance"] == b["nom_naissance"] and a["date_naissance"] == b["date_naissance"]:
                    assert a["prenoms"].split()[0] != b["prenoms"].split()[0]
                    twins += 1
                if (a["sexe"] == b["sexe"] == "M" and a["nom_naissance"] == b["nom_naissance"]
                        and a["prenoms"].split()[0] == b["prenoms"].split()[0]
                        and a["date_naissance"] != b["date_naissance"]):
                    juniors += 1
    assert spouses >= 30 and twins >= 5 and juniors >= 3
    # namesakes: same birth name and first name, different people
    by_name = defaultdict(set)
    for person, r in impots:
        by_name[(r["nom_naissance"], r["prenoms"].split()[0])].add(person)
    assert sum(1 for p in by_name.values() if len(p) > 1) >= 15
    # moves: newer address in impôts, older one in amendes
    amendes = {truth[("amendes", k)]: r for k, r in _records(demo, Source.AMENDES).items()}
    moved = sum(1 for person, r in impots if person in amendes and amendes[person]["voie"]
                and amendes[person]["code_postal"] != r["code_postal"])
    assert moved >= 20


def test_each_source_has_its_own_noise(demo: DemoFiles):
    amendes = list(_records(demo, Source.AMENDES).values())
    local = list(_records(demo, Source.SECTEUR_LOCAL).values())
    impots = list(_records(demo, Source.IMPOTS).values())
    assert all(r["date_naissance"] and r["sexe"] and r["prenoms"] for r in impots)
    assert any(len(r["prenoms"].split()) >= 3 for r in impots)
    assert any(r["nom_usage"] and r["nom_usage"] != r["nom_naissance"] for r in impots)
    missing = sum(not r["date_naissance"] for r in amendes) / len(amendes)
    assert 0.3 < missing < 0.5
    assert all(" " not in r["prenom"] or "-" not in r["prenom"] for r in amendes)
    missing = sum(not r["date_naissance"] for r in local) / len(local)
    assert 0.4 < missing < 0.6
    names = " ".join(r["nom"].upper() for r in local).split()
    for word in ("NEE", "VEUVE", "MME"):
        assert word in names or word.replace("EE", "ÉE") in names, word
    assert any(w in names for w in ("EPOUSE", "ÉPOUSE", "EP", "EPSE"))
    assert any(r["nom"] != r["nom"].upper() for r in local)  # some typed in mixed case


def test_common_debtors_are_appended_without_touching_the_plain_stream(tmp_path: Path):
    from mrf.demo.generate import CommonDebtors

    nevers = tuple(c for s in demo_structures() if s.code == "TM-NEVERS" for c in s.communes)
    plain = generate_population(300, 7, tmp_path / "plain")
    both = generate_population(300, 7, tmp_path / "both",
                               [CommonDebtors(persons=120, communes=nevers, combos=("AS",), hospital=True)])
    assert (plain.persons, plain.common_debtors) == (300, 0)
    assert (both.persons, both.common_debtors) == (420, 120)
    # the plain stream's records are the same, line for line (only the shuffled order differs)
    for name in ("impots", "amendes", "secteur_local", "truth"):
        old = set(getattr(plain, name).read_text(encoding="utf-8").splitlines())
        new = set(getattr(both, name).read_text(encoding="utf-8").splitlines())
        assert old <= new, name
    truth = _truth(both)
    extra = {pid for pid in truth.values() if int(pid[1:]) > 300}
    assert len(extra) == 120
    by_person: dict[str, set[str]] = defaultdict(set)
    for (source, _key), pid in truth.items():
        if pid in extra:
            by_person[pid].add(source)
    # every appended person is in amendes and the secteur local, in no impôts record
    assert all(sources == {"amendes", "secteur_local"} for sources in by_person.values())
    keys = {key for (source, key), pid in truth.items() if pid in extra and source == "secteur_local"}
    rows = [r for r in _rows(both, Source.SECTEUR_LOCAL) if r["id_tiers"] in keys]
    hospital = {r["id_tiers"] for r in rows if r["hospitalier"] == "O"}
    assert hospital == keys  # each holds a hospital titre
    # they live in the Nièvre (a few lines carry an older address, sometimes in another département)
    in_58 = sum(r["code_postal"].startswith("58") for r in rows)
    assert in_58 >= 0.9 * len(rows)
