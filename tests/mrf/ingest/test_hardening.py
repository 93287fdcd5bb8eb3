"""Hostile or broken input at the edge of the import (issue 24): every bad line goes to the rejects
with its reason, every unreadable file is refused with exit 2 and the database as it was."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mrf.extensions import db
from mrf.ingest.bounds import FIELD_LENGTHS, FIELD_LIMIT, MAX_COLUMNS
from mrf.ingest.formats import AMENDES, FORMATS, IMPOTS, Source
from mrf.ingest.parse import LineRejected, parse_amount_cents, parse_date
from mrf.models import Creance, CreanceEvent, ImportBatch, SourceRecord

from ingest_files import AMENDE_ROW, IMPOTS_ROW, TITRE_ROW, VALID_ROWS, count, impots_file, run_import, write_csv


def tables() -> tuple[int, ...]:
    return tuple(count(model) for model in (Creance, SourceRecord, CreanceEvent, ImportBatch))


def rejects_of(path: Path) -> dict[str, dict[str, str]]:
    """The rejects file written beside PATH, by the value of the reference column."""
    with path.with_name(path.stem + ".rejets.csv").open(encoding="utf-8", newline="") as fh:
        return {row["ligne"]: row for row in csv.DictReader(fh, delimiter=";")}


def import_rows(cli, tmp_path: Path, source: Source, rows: list[dict], name: str = "extrait.csv"):
    path = write_csv(tmp_path / name, list(FORMATS[source].names), rows)
    return path, run_import(cli, source.value, path)


# -- amounts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, reason", [
    ("10000000000,01", "Montant initial invraisemblable"),  # one cent over the bound
    ("92233720368547758,08", "Montant initial invraisemblable"),  # 2⁶³ cents: OverflowError on the way in
    ("46116860184273879,04", "Montant initial invraisemblable"),  # the value of the issue
    ("9" * 5000, "Montant initial invraisemblable"),  # int() refuses over 4,300 digits (ValueError)
    ("1²34,00", "Montant initial illisible"),  # isdigit() but not int()
    ("١٢٣٤,٠٠", "Montant initial illisible"),  # Arabic-Indic digits: read as 1 234,00 € before
    ("１２３４", "Montant initial illisible"),  # full-width digits
    ("1_234,00", "Montant initial illisible"),  # int() takes underscores
])
def test_implausible_or_non_ascii_amount_is_a_rejected_line(cli, structures, tmp_path, amount, reason):
    rows = [IMPOTS_ROW, {**IMPOTS_ROW, "reference_avis": "R2", "montant_initial": amount,
                         "reste_a_recouvrer": "1,00"}]
    path = impots_file(tmp_path, rows)
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "2 lignes lues : 1 valides, 1 rejetées" in result.output
    rejected = rejects_of(path)["3"]
    assert rejected["motif"].startswith(reason)
    assert len(rejected["motif"]) < 200  # a 5,000-digit value is not copied into the reason
    assert tables()[0] == 1


def test_the_largest_amount_is_accepted_and_sums_stay_in_64_bits(cli, structures, tmp_path):
    rows = [{**IMPOTS_ROW, "reference_avis": f"R{i}", "montant_initial": "10 000 000 000,00",
             "reste_a_recouvrer": "10000000000"} for i in range(3)]
    result = run_import(cli, "impots", impots_file(tmp_path, rows))
    assert "3 valides, 0 rejetées" in result.output
    with db.new_session() as s:
        assert s.scalar(select(func.sum(Creance.rar_cents))) == 3 * 10**12


def test_amount_parser_bounds():
    assert parse_amount_cents("10000000000,00", "Montant") == 10**12
    assert parse_amount_cents("0010000000000", "Montant") == 10**12  # leading zeros are no digits too many
    for text in ("10000000000,01", "99999999999", "+5", ",5", "1.2.3", "²", "١"):
        with pytest.raises(LineRejected):
            parse_amount_cents(text, "Montant")


# -- dates and years -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["+1/+1/2020", " 1/01/2020", "1_/01/2020", "01/01/2_20", "١٢/٠٣/٢٠٢٤",
                                  "0²/03/2024", "01/01/0001", "31/12/9999", "2024-1-01", "01/03-2024"])
def test_dates_are_ascii_digits_in_the_plausible_range(text):
    with pytest.raises(LineRejected):
        parse_date(text, "Date")


@pytest.mark.parametrize("column, value, reason", [
    ("annee", "٢٠٢٤", "Année invalide"),
    ("annee", "202²", "Année invalide"),
    ("date_exigibilite", "+1/+1/2020", "Date d'exigibilité invalide"),
    ("date_mise_en_recouvrement", "31/12/9999", "Date de mise en recouvrement invraisemblable"),
    ("date_naissance", "00/٠٥/1960", "Date de naissance invalide"),
    ("date_naissance", "00/0000000000000000000000000000000000/1960", "Date de naissance invalide"),
    ("code_postal", "٨٩٠٠٠", "Code postal"),
])
def test_unicode_digits_in_a_year_or_date_reject_the_line(cli, structures, tmp_path, column, value, reason):
    row = {**IMPOTS_ROW, column: value, "commune": "" if column == "code_postal" else IMPOTS_ROW["commune"],
           "code_insee": "" if column == "code_postal" else IMPOTS_ROW["code_insee"]}
    path = impots_file(tmp_path, [IMPOTS_ROW, {**row, "reference_avis": "R2"}])
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert rejects_of(path)["3"]["motif"].startswith(reason)
    assert tables()[0] == 1


# -- lengths ---------------------------------------------------------------------------------------

_LONG_CASES = [(source, column) for source, fmt in FORMATS.items() for column in fmt.names
               if column in FIELD_LENGTHS and column != "numero_fiscal"]


@pytest.mark.parametrize("source, column", _LONG_CASES, ids=[f"{s.value}-{c}" for s, c in _LONG_CASES])
def test_every_value_longer_than_its_column_is_a_rejected_line_on_both_databases(cli, structures, tmp_path,
                                                                                  source, column):
    limit = FIELD_LENGTHS[column]
    good = VALID_ROWS[source]
    long_value = "A" * (limit + 1)
    rows = [good, {**good, FORMATS[source].reference_column: "R-LONG", column: long_value}]
    if column == FORMATS[source].reference_column:
        rows[1][column] = long_value
    path, result = import_rows(cli, tmp_path, source, rows)
    assert result.exit_code == 0, result.output + result.stderr  # PostgreSQL refused id_debiteur > 64
    assert rejects_of(path)["3"]["motif"] == (
        f"Champ trop long : {column} ({limit + 1} caractères, au plus {limit})")
    assert tables()[:2] == (1, 1)


def test_a_value_of_the_column_length_is_kept_whole(cli, structures, tmp_path):
    key, reference = "K" * FIELD_LENGTHS["id_debiteur"], "N" * FIELD_LENGTHS["numero_amende"]
    path, result = import_rows(cli, tmp_path, Source.AMENDES,
                               [{**AMENDE_ROW, "id_debiteur": key, "numero_amende": reference}])
    assert "1 valides" in result.output
    with db.new_session() as s:
        assert s.execute(select(SourceRecord.source_key, Creance.reference)
                         .join(Creance, Creance.source_record_id == SourceRecord.id)).one() == (key, reference)


# -- oversized fields and headers ------------------------------------------------------------------

def test_a_field_over_the_csv_limit_is_a_rejected_line_and_the_next_lines_are_read(cli, structures, tmp_path):
    path = impots_file(tmp_path, [IMPOTS_ROW, {**IMPOTS_ROW, "reference_avis": "R2", "voie": "X" * (FIELD_LIMIT + 1)},
                                  {**IMPOTS_ROW, "reference_avis": "R3"},
                                  {**IMPOTS_ROW, "reference_avis": "R4", "voie": '"' * (FIELD_LIMIT + 10)},
                                  {**IMPOTS_ROW, "reference_avis": "R5"}])
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "5 lignes lues : 3 valides, 2 rejetées" in result.output
    rejects = rejects_of(path)
    assert set(rejects) == {"3", "5"}
    assert rejects["3"]["motif"] == f"Champ de plus de {FIELD_LIMIT} caractères : ligne illisible"


@pytest.mark.parametrize("parser_process", [False, True])
def test_an_endless_quoted_field_refuses_the_file_and_leaves_the_database_as_it_was(
        cli, structures, tmp_path, monkeypatch, parser_process):
    from mrf.ingest import chunks, loader

    run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW], name="avant.csv"))
    before = tables()
    monkeypatch.setattr(loader, "CHUNK_LINES", 2)  # chunks are loaded before the bad line is met
    if parser_process:
        monkeypatch.setattr(chunks, "PARALLEL_FROM_BYTES", 0)
    path = impots_file(tmp_path, [{**IMPOTS_ROW, "reference_avis": f"R{i}", "sexe": "X" if i == 1 else "F"}
                                  for i in range(4)])
    with path.open("a", encoding="utf-8") as fh:  # a quote opened and never closed, over many lines
        fh.write(";".join(['"' + "Y" * 1000] + ["Z"] * 5) + "\n" + ("W" * 1000 + "\n") * 200)
    result = run_import(cli, "impots", path)
    assert result.exit_code == 2, result.output + result.stderr
    assert "Fichier refusé, rien n'a été importé" in result.stderr
    assert "Ligne 6 : champ entre guillemets jamais refermé (champ de plus de 131072 caractères" in result.stderr
    assert tables() == before
    assert not path.with_name("impots.rejets.csv").exists()  # no rejects of an import that did not happen


@pytest.mark.parametrize("extra, message", [
    (600, f"En-tête invraisemblable : {600 + len(IMPOTS.names)} colonnes, au plus {MAX_COLUMNS}"),
    (60_000, "En-tête trop long : plus de 65536 caractères"),  # 42 s before, quadratic duplicate check
])
def test_a_header_of_too_many_columns_is_refused_at_once(cli, structures, tmp_path, extra, message):
    path = tmp_path / "large.csv"
    path.write_text(";".join(IMPOTS.names) + ";" + ";".join(f"c{i}" for i in range(extra)) + "\n"
                    + ";".join(IMPOTS_ROW.get(c, "") for c in IMPOTS.names) + "\n", encoding="utf-8")
    result = run_import(cli, "impots", path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert tables() == (0, 0, 0, 0)


def test_the_header_check_is_linear_in_the_number_of_columns():
    # 200,000 names: the former check (header.count(h) for each h) would run for hours.
    from mrf.ingest.reader import _header_problems

    header = tuple(IMPOTS.names) + tuple(f"c{i}" for i in range(200_000)) + ("voie",)
    problems = _header_problems(header, IMPOTS)
    assert problems == ["colonnes inconnues : c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 et 199990 autres",
                        "colonnes en double : voie"]


def test_a_header_line_of_a_million_columns_is_refused_without_being_split(cli, structures, tmp_path):
    path = tmp_path / "enorme.csv"
    path.write_text("a," * 1_000_000 + "\n1\n", encoding="utf-8")
    result = run_import(cli, "impots", path)
    assert result.exit_code == 2
    assert "En-tête trop long" in result.stderr


def test_under_the_cap_unknown_and_repeated_columns_are_named_briefly(cli, structures, tmp_path):
    path = tmp_path / "doubles.csv"
    names = list(IMPOTS.names) + ["voie"] * 3 + [f"extra{i}" for i in range(400)]
    path.write_text(";".join(names) + "\n" + ";".join("x" for _ in names) + "\n", encoding="utf-8")
    result = run_import(cli, "impots", path)
    assert result.exit_code == 2
    assert "colonnes inconnues : extra0, extra1" in result.stderr and "et 390 autres" in result.stderr
    assert "colonnes en double : voie" in result.stderr


# -- rejects file ----------------------------------------------------------------------------------

def test_cells_a_spreadsheet_would_compute_are_escaped_in_the_rejects(cli, structures, tmp_path):
    formulas = {"nom_usage": "=HYPERLINK(\"http://x\";\"y\")", "voie": "+33 RUE", "complement_adresse": "-2+3",
                "lieu_naissance": "@SUM(A1)", "commune": "\tAUXERRE"}
    path = impots_file(tmp_path, [{**IMPOTS_ROW, **formulas, "montant_initial": "-1", "reste_a_recouvrer": "0"}])
    run_import(cli, "impots", path)
    rejected = rejects_of(path)["2"]
    assert {column: rejected[column] for column in formulas} == {c: "'" + v for c, v in formulas.items()}
    assert rejected["montant_initial"] == "'-1"
    assert rejected["nom_naissance"] == "MARTIN"  # the other cells as they were


# -- natural keys repeated in one file -------------------------------------------------------------

def test_one_numero_amende_with_two_amounts_rejects_the_later_line(cli, structures, tmp_path):
    rows = [AMENDE_ROW, {**AMENDE_ROW, "montant_initial": "1350", "reste_a_recouvrer": "1350"}]
    path, result = import_rows(cli, tmp_path, Source.AMENDES, rows)
    assert "2 lignes lues : 1 valides, 1 rejetées" in result.output
    assert rejects_of(path)["3"]["motif"].startswith("Référence « AFM-1 » déjà présente ligne 2")
    with db.new_session() as s:
        assert s.scalars(select(Creance.amount_initial_cents)).all() == [13500]


def test_an_identical_line_repeated_is_imported_once_and_counted(cli, structures, tmp_path):
    path, result = import_rows(cli, tmp_path, Source.SECTEUR_LOCAL, [TITRE_ROW, TITRE_ROW, TITRE_ROW])
    assert "3 lignes lues : 3 valides, 0 rejetées. 2 lignes en double" in result.output
    assert tables()[:2] == (1, 1)
    again = run_import(cli, "secteur_local", path)
    assert "0 nouvelles, 0 modifiées, 1 inchangées" in again.output
    assert tables()[:3] == (1, 1, 0)


def test_a_refused_file_exits_2_and_a_reimport_changes_nothing(cli, structures, tmp_path):
    path, first = import_rows(cli, tmp_path, Source.AMENDES, [AMENDE_ROW, {**AMENDE_ROW, "numero_amende": "AFM-2"}])
    assert first.exit_code == 0
    before = tables()
    assert run_import(cli, "amendes", path).exit_code == 0
    assert tables()[:3] == before[:3]  # a second batch, nothing else
    before = tables()
    refused = tmp_path / "refuse.csv"
    refused.write_bytes(";".join(AMENDES.names).encode() + b"\n" + b"\x00" * 10)
    assert run_import(cli, "amendes", refused).exit_code == 2
    assert tables() == before
