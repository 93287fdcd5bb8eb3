"""Imports of real files, on every database backend: good lines, bad lines, refused files."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.ingest.formats import AMENDES, IMPOTS, SECTEUR_LOCAL
from mrf.models import Creance, CreanceEvent, SourceRecord
from mrf.services.admin.structures import StructureSpec, upsert_structures

from ingest_files import IMPOTS_ROW, NF1, NF2, count, fiscal_number, impots_file, run_import, write_csv


def test_valid_file_is_imported_with_amounts_in_cents(cli, structures, tmp_path):
    second = {**IMPOTS_ROW, "reference_avis": "TF-2024-0002", "impot": "TF", "montant_initial": "300",
              "reste_a_recouvrer": "150,5"}
    result = run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW, second]))
    assert result.exit_code == 0, result.output + result.stderr
    assert "2 valides, 0 rejetées" in result.output
    with db.new_session() as s:
        amounts = dict(s.execute(select(Creance.reference, Creance.rar_cents)).all())
        record = s.scalars(select(SourceRecord)).one()
    assert amounts == {"IR-2024-0001": 123456, "TF-2024-0002": 15050}
    assert record.nom_naissance == "MARTIN" and record.nom_usage == "DUPONT"
    assert record.date_naissance.isoformat() == "1975-03-12"
    assert record.code_insee == "89024"


def test_bad_lines_go_to_rejects_with_reason_and_good_lines_are_kept(cli, structures, tmp_path):
    rows = [
        IMPOTS_ROW,
        {**IMPOTS_ROW, "reference_avis": "R2", "date_exigibilite": "31/02/2025"},
        {**IMPOTS_ROW, "reference_avis": "R3", "montant_initial": "12x,00"},
        {**IMPOTS_ROW, "reference_avis": "R4", "montant_initial": "-5,00", "reste_a_recouvrer": "0"},
        {**IMPOTS_ROW, "reference_avis": "R5", "numero_fiscal": NF1[:-1] + str((int(NF1[-1]) + 1) % 10)},
        {**IMPOTS_ROW, "reference_avis": "R6", "prenoms": ""},
        {**IMPOTS_ROW, "reference_avis": "R7", "code_insee": "99999"},
        {**IMPOTS_ROW, "reference_avis": "R8", "numero_fiscal": NF2},
    ]
    path = impots_file(tmp_path, rows)
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.stderr
    assert "8 lignes lues : 2 valides, 6 rejetées" in result.output
    with (tmp_path / "impots.rejets.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh, delimiter=";"))
    reasons = {r["reference_avis"]: (r["ligne"], r["motif"]) for r in rejects}
    assert reasons["R2"] == ("3", "Date d'exigibilité invalide : « 31/02/2025 » (attendu : JJ/MM/AAAA)")
    assert reasons["R3"][1].startswith("Montant initial illisible")
    assert reasons["R4"][1].startswith("Montant initial négatif")
    assert reasons["R5"][1].startswith("Numéro fiscal invalide")
    assert reasons["R6"][1] == "Champ obligatoire manquant : prenoms (prénoms)"
    assert reasons["R7"][1].startswith("Commune inconnue")
    with db.new_session() as s:
        assert set(s.scalars(select(Creance.reference))) == {"IR-2024-0001", "R8"}


def test_same_file_twice_changes_nothing(cli, structures, tmp_path):
    path = impots_file(tmp_path, [IMPOTS_ROW, {**IMPOTS_ROW, "reference_avis": "R2"}])
    assert run_import(cli, "impots", path).exit_code == 0
    before = (count(Creance), count(SourceRecord), count(CreanceEvent))
    second = run_import(cli, "impots", path)
    assert second.exit_code == 0
    assert "0 nouvelles, 0 modifiées, 2 inchangées" in second.output
    assert (count(Creance), count(SourceRecord), count(CreanceEvent)) == before


def test_later_file_changing_a_creance_records_an_event(cli, structures, tmp_path):
    run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW]))
    lowered = {**IMPOTS_ROW, "reste_a_recouvrer": "1000,00"}
    result = run_import(cli, "impots", impots_file(tmp_path, [lowered], name="impots2.csv"))
    assert "1 modifiées" in result.output
    cancelled = {**IMPOTS_ROW, "reste_a_recouvrer": "1000,00", "statut": "ANNULEE"}
    run_import(cli, "impots", impots_file(tmp_path, [cancelled], name="impots3.csv"))
    with db.new_session() as s:
        creance = s.scalars(select(Creance)).one()
        events = s.scalars(select(CreanceEvent).order_by(CreanceEvent.id)).all()
    assert creance.rar_cents == 100000 and creance.status == "annulee"
    assert [(e.kind, e.rar_before_cents, e.rar_after_cents) for e in events] == [
        ("modification", 123456, 100000), ("annulation", 100000, 100000)]
    assert events[0].changes["rar_cents"] == [123456, 100000]


@pytest.mark.parametrize("content, message", [
    (b"", "Fichier vide"),
    (b"numero_fiscal;nom_naissance\n", "colonnes obligatoires manquantes : prenoms"),
    (("numero_fiscal;" + ";".join(IMPOTS.names[1:]) + ";couleur\n").encode(), "colonnes inconnues : couleur"),
    (b"\xff\xfe\x00n\x00u\x00m", "Encodage illisible"),
    ((";".join(IMPOTS.names) + "\n").encode(), "aucune ligne de données"),
])
def test_file_in_no_format_is_refused_whole_with_exit_2(cli, structures, tmp_path, content, message):
    path = tmp_path / "mauvais.csv"
    path.write_bytes(content)
    result = run_import(cli, "impots", path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "rien n'a été importé" in result.stderr
    assert count(Creance) == 0 and count(SourceRecord) == 0


def test_amendes_file_missing_columns_named(cli, structures, tmp_path):
    path = write_csv(tmp_path / "amendes.csv", ["id_debiteur", "nom", "numero_amende"], [{"id_debiteur": "A1"}])
    result = run_import(cli, "amendes", path)
    assert result.exit_code == 2
    for column in ("type_amende", "date_titre", "montant_initial", "reste_a_recouvrer", "comptable"):
        assert column in result.stderr


def test_windows_1252_and_comma_separator_are_accepted(cli, structures, tmp_path):
    row = {**IMPOTS_ROW, "nom_naissance": "LEFÈVRE", "voie": "RUE DE L'ÉGLISE", "montant_initial": "1234.56",
           "reste_a_recouvrer": "1234.56"}
    path = impots_file(tmp_path, [row], delimiter=",", encoding="cp1252")
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.stderr
    with db.new_session() as s:
        assert s.scalar(select(SourceRecord.nom_naissance)) == "LEFÈVRE"


def test_postal_code_is_repaired_from_the_commune_before_rejecting(cli, structures, tmp_path):
    row = {**IMPOTS_ROW, "code_insee": "", "code_postal": "89999", "commune": "Auxerre"}
    result = run_import(cli, "impots", impots_file(tmp_path, [row]))
    assert "1 valides" in result.output
    with db.new_session() as s:
        record = s.scalars(select(SourceRecord)).one()
    assert (record.code_insee, record.code_postal) == ("89024", "89000")


def test_unknown_comptable_is_a_rejected_line(cli, structures, tmp_path):
    result = run_import(cli, "impots", impots_file(tmp_path, [{**IMPOTS_ROW, "comptable": "SIP-INCONNU"}]))
    assert "1 rejetées" in result.output
    assert "Poste comptable inconnu" in (tmp_path / "impots.rejets.csv").read_text(encoding="utf-8")


def test_database_error_mid_file_leaves_database_as_before(cli, structures, tmp_path, monkeypatch):
    run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW]))
    before = (count(Creance), count(SourceRecord), count(CreanceEvent))
    from mrf.ingest import loader

    monkeypatch.setattr(loader, "CHUNK_LINES", 2)
    real = loader._load_chunk
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("panne simulée de la base")
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "_load_chunk", failing)
    rows = [{**IMPOTS_ROW, "reference_avis": f"X{i}", "numero_fiscal": fiscal_number(f"12000000{i:02d}")}
            for i in range(5)]
    with pytest.raises(RuntimeError):
        loader.import_file("impots", impots_file(tmp_path, rows, name="gros.csv"))
    assert calls["n"] == 2
    assert (count(Creance), count(SourceRecord), count(CreanceEvent)) == before


def test_amendes_and_secteur_local_lines(cli, structures, tmp_path):
    amende = {"id_debiteur": "AMD1", "nom": "DUPONT", "prenom": "MARIE", "date_naissance": "",
              "code_postal": "89000", "commune": "AUXERRE", "numero_amende": "AFM-1", "type_amende": "AFM",
              "categorie_infraction": "contravention", "date_titre": "01/02/2024", "montant_initial": "135",
              "reste_a_recouvrer": "135", "comptable": "TA-TEST"}
    titre = {"id_tiers": "T1", "nom": "DUPONT NEE MARTIN", "prenom": "MARIE", "date_naissance": "00/00/1975",
             "code_postal": "89000", "commune": "AUXERRE", "numero_titre": "T-2024-1", "collectivite": "CH AUXERRE",
             "code_collectivite": "CH89", "hospitalier": "O", "objet": "Frais d'hospitalisation",
             "montant_initial": "80,00", "reste_a_recouvrer": "80,00", "date_prise_en_charge": "05/05/2024",
             "comptable": "SPL-TEST"}
    r1 = run_import(cli, "amendes", write_csv(tmp_path / "a.csv", list(AMENDES.names), [amende]))
    r2 = run_import(cli, "secteur_local", write_csv(tmp_path / "s.csv", list(SECTEUR_LOCAL.names), [titre]))
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    stats = cli.invoke(args=["stats", "--json"])
    import json

    figures = json.loads(stats.output)
    assert figures["source_records"] == {"impots": 0, "amendes": 1, "secteur_local": 1}
    assert figures["creances"] == {"impots": 0, "amendes": 1, "secteur_local": 1}
    with db.new_session() as s:
        hospital = s.scalars(select(Creance).where(Creance.product == "secteur_local")).one()
        record = s.scalars(select(SourceRecord).where(SourceRecord.source == "secteur_local")).one()
    assert hospital.is_hospital and hospital.creditor_code == "CH89"
    assert record.date_naissance is None and record.date_naissance_brute == "00/00/1975"


def test_chunks_from_the_parser_process_with_references_repeated_across_and_within_chunks(structures, tmp_path,
                                                                                          monkeypatch):
    from mrf.ingest import chunks, loader

    monkeypatch.setattr(chunks, "PARALLEL_FROM_BYTES", 0)  # parse in a child process, as for large files
    monkeypatch.setattr(loader, "CHUNK_LINES", 2)
    odd = {**IMPOTS_ROW, "numero_fiscal": NF2, "nom_naissance": 'O\'BRIEN \\ "D"\tX', "voie": "RUE\\N"}
    rows = [  # file lines 2 to 7, in chunks [2, 3] [4, 5] [6, 7]
        {**IMPOTS_ROW, "reference_avis": "R1", "reste_a_recouvrer": "100"},
        {**IMPOTS_ROW, "reference_avis": "R2"},
        {**IMPOTS_ROW, "reference_avis": "R1", "reste_a_recouvrer": "50"},  # next chunk, other amount: rejected
        {**odd, "reference_avis": "R3", "reste_a_recouvrer": "20"},
        {**odd, "reference_avis": "R3", "reste_a_recouvrer": "20"},  # next chunk, the same line: counted once
        {**odd, "reference_avis": "R3", "reste_a_recouvrer": "10"},  # same chunk, other amount: rejected
    ]
    report = loader.import_file("impots", impots_file(tmp_path, rows))
    assert (report.lines_read, report.rejected, report.duplicates) == (6, 2, 1)
    assert (report.creances_created, report.creances_changed, report.creances_unchanged) == (3, 0, 0)
    assert (report.records_created, report.records_updated) == (2, 0)
    with report.rejects_path.open(encoding="utf-8") as fh:
        rejects = {r["ligne"]: r for r in csv.DictReader(fh, delimiter=";")}
    assert rejects["4"]["motif"].startswith("Référence « R1 » déjà présente ligne 2 du fichier avec d'autres valeurs")
    assert rejects["4"]["reste_a_recouvrer"] == "50"  # the line's cells, read again from the file
    assert rejects["7"]["motif"].startswith("Référence « R3 » déjà présente ligne 6")
    assert rejects["7"]["reste_a_recouvrer"] == "10"
    with db.new_session() as s:
        rar = dict(s.execute(select(Creance.reference, Creance.rar_cents)).all())
        records = dict(s.execute(select(SourceRecord.numero_fiscal, SourceRecord.id)).all())
        odd_record = s.scalars(select(SourceRecord).where(SourceRecord.numero_fiscal == NF2)).one()
    assert rar == {"R1": 10000, "R2": 123456, "R3": 2000}
    assert count(CreanceEvent) == 0
    assert sorted(report.new_record_ids) == sorted(records.values())
    assert (odd_record.nom_naissance, odd_record.voie) == ('O\'BRIEN \\ "D" X', "RUE\\N")


def test_later_file_with_a_new_address_updates_the_debtor(cli, structures, tmp_path):
    run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW]))
    moved = {**IMPOTS_ROW, "numero_voie": "3", "voie": "PLACE DE L'HOTEL DE VILLE"}
    result = run_import(cli, "impots", impots_file(tmp_path, [moved], name="impots2.csv"))
    assert "0 nouveaux, 1 mis à jour" in result.output
    assert "0 nouvelles, 0 modifiées, 1 inchangées" in result.output
    with db.new_session() as s:
        record = s.scalars(select(SourceRecord)).one()
    assert (record.numero_voie, record.voie) == ("3", "PLACE DE L'HOTEL DE VILLE")
    assert record.last_batch_id != record.first_batch_id


def test_file_changing_many_creances_updates_them_chunk_by_chunk_with_their_events(structures, tmp_path,
                                                                                   monkeypatch):
    from mrf.ingest import loader
    from mrf.models import Structure

    upsert_structures([StructureSpec("SIP-AUTRE", "Autre SIP de test", "sip", "89", ("impots",), ("89024",))])
    monkeypatch.setattr(loader, "CHUNK_LINES", 7)  # the changes span several chunks
    debtors = [fiscal_number(f"12000000{i:02d}") for i in range(10)]
    rows = [{**IMPOTS_ROW, "numero_fiscal": debtors[i % 10], "reference_avis": f"R{i:02d}",
             "montant_initial": "100,00", "reste_a_recouvrer": "100,00"} for i in range(30)]
    first = loader.import_file("impots", impots_file(tmp_path, rows))
    assert (first.creances_created, first.records_created) == (30, 10)
    changed = [dict(row) for row in rows]
    for i in range(0, 30, 2):  # half of them partly paid
        changed[i]["reste_a_recouvrer"] = f"{50 + i},00"
    changed[1]["statut"] = "ANNULEE"
    changed[3]["reste_a_recouvrer"] = "0"  # paid: soldée
    changed[5]["numero_fiscal"] = NF2  # now the avis of another debtor, new in this file
    changed[7]["comptable"] = "SIP-AUTRE"
    changed[9]["date_exigibilite"] = "15/10/2025"
    for row in changed:  # a debtor's identity: its record changes, not its créances
        if row["numero_fiscal"] == debtors[1]:
            row["nom_usage"] = "DURAND"
    report = loader.import_file("impots", impots_file(tmp_path, changed, name="impots2.csv"))
    assert (report.lines_read, report.rejected) == (30, 0)
    assert (report.creances_created, report.creances_changed, report.creances_unchanged) == (0, 20, 10)
    assert (report.records_created, report.records_updated) == (1, 1)

    with db.new_session() as s:
        creances = {c.reference: c for c in s.scalars(select(Creance))}
        records = {r.numero_fiscal: r for r in s.scalars(select(SourceRecord))}
        structures_ids = dict(s.execute(select(Structure.code, Structure.id)).all())
        events = {e.creance_id: e for e in s.scalars(select(CreanceEvent))}
    assert len(events) == 20 and {e.batch_id for e in events.values()} == {report.batch_id}
    for i in range(0, 30, 2):
        creance = creances[f"R{i:02d}"]
        assert (creance.rar_cents, creance.status) == ((50 + i) * 100, "en_cours")
        event = events[creance.id]
        assert (event.kind, event.rar_before_cents, event.rar_after_cents) == ("modification", 10000, (50 + i) * 100)
        assert event.changes == {"rar_cents": [10000, (50 + i) * 100]}
    cancelled, paid, moved = creances["R01"], creances["R03"], creances["R05"]
    assert (cancelled.status, cancelled.rar_cents) == ("annulee", 10000)
    assert (events[cancelled.id].kind, events[cancelled.id].changes) == (
        "annulation", {"status": ["en_cours", "annulee"]})
    assert (paid.status, paid.rar_cents) == ("soldee", 0)
    assert events[paid.id].changes == {"rar_cents": [10000, 0], "status": ["en_cours", "soldee"]}
    assert moved.source_record_id == records[NF2].id
    assert events[moved.id].changes == {"source_record_id": [records[debtors[5]].id, records[NF2].id]}
    assert creances["R07"].structure_id == structures_ids["SIP-AUTRE"]
    assert events[creances["R07"].id].changes == {
        "structure_id": [structures_ids["SIP-TEST"], structures_ids["SIP-AUTRE"]]}
    assert creances["R09"].date_exigibilite.isoformat() == "2025-10-15"
    assert events[creances["R09"].id].changes == {"date_exigibilite": ["2025-09-15", "2025-10-15"]}
    untouched = [c for c in creances.values() if c.id not in events]
    assert len(untouched) == 10 and all((c.rar_cents, c.status) == (10000, "en_cours") for c in untouched)
    assert records[debtors[1]].nom_usage == "DURAND" and records[debtors[1]].last_batch_id == report.batch_id
    assert records[debtors[2]].last_batch_id == first.batch_id

    again = loader.import_file("impots", impots_file(tmp_path, changed, name="impots3.csv"))
    assert (again.creances_changed, again.creances_unchanged, again.records_updated) == (0, 30, 0)
    assert count(CreanceEvent) == 20



def _write_without_waiting() -> None:
    """A short write on another connection that refuses to wait for a lock (as a page's audit line
    would, were it not patient): raises if the import holds the database's write lock."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.is_sqlite:
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("SET lock_timeout = '1s'")
        cursor.execute("UPDATE structure SET name = name WHERE code = 'SIP-TEST'")
        if db.is_sqlite:
            cursor.execute("COMMIT")
            cursor.execute("PRAGMA busy_timeout=30000")
        else:
            raw.commit()
    finally:
        raw.close()


def test_the_file_is_parsed_before_the_write_lock_is_taken(structures, tmp_path, monkeypatch):
    from mrf.ingest import loader

    monkeypatch.setattr(loader, "CHUNK_LINES", 2)
    rows = [{**IMPOTS_ROW, "reference_avis": f"P{i}", "numero_fiscal": fiscal_number(f"13000000{i:02d}")}
            for i in range(5)]
    seen = []

    def progress(lines: int) -> None:  # after each parsed chunk: another writer must not have to wait
        _write_without_waiting()
        seen.append(lines)

    report = loader.import_file("impots", impots_file(tmp_path, rows), progress=progress)
    assert seen == [2, 4, 5]
    assert report.creances_created == 5 and count(Creance) == 5
