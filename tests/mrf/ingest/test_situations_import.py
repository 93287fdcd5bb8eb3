"""The optional columns of the extracts: a debtor's situation (recorded on the account once the record is
attached) and the breakdown principal / majorations of a créance, on every database backend."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from mrf.extensions import db
from mrf.ingest.formats import AMENDES, IMPOTS
from mrf.models import Creance, RecordLink, Situation, SituationDeclaree, SourceRecord
from mrf.services.identite.rapprochement import run_batch

from ingest_files import AMENDE_ROW, IMPOTS_ROW, NF2, count, impots_file, run_import, write_csv

SURENDETTEMENT = {"situation": "surendettement", "date_situation": "02/03/2026", "reference_situation": "BDF-89-0042"}


def rejects_of(path: Path) -> dict[str, dict[str, str]]:
    with path.with_name(path.stem + ".rejets.csv").open(encoding="utf-8", newline="") as fh:
        return {row["ligne"]: row for row in csv.DictReader(fh, delimiter=";")}


def situations() -> list[tuple]:
    with db.new_session() as s:
        return list(s.execute(select(Situation.redevable_id, Situation.kind, Situation.started_on, Situation.source,
                                     Situation.reference, Situation.agent_id).order_by(Situation.id)).all())


def account_of(source: str, key: str) -> int:
    with db.new_session() as s:
        return s.scalar(select(RecordLink.redevable_id)
                        .join(SourceRecord, SourceRecord.id == RecordLink.source_record_id)
                        .where(SourceRecord.source == source, SourceRecord.source_key == key))


def test_a_declared_situation_is_recorded_on_the_account_once_attached_and_once_only(cli, structures, tmp_path):
    second = {**IMPOTS_ROW, "reference_avis": "TF-2024-0002", "impot": "TF", **SURENDETTEMENT}
    path = impots_file(tmp_path, [IMPOTS_ROW, second])
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "2 valides, 0 rejetées" in result.output
    with db.new_session() as s:
        declared = s.scalars(select(SituationDeclaree)).one()
        assert (declared.kind, declared.started_on, declared.reference, declared.line) == (
            "surendettement", date(2026, 3, 2), "BDF-89-0042", 3)  # the file's line (header is line 1)
        assert declared.situation_id is None  # the record belongs to no account yet
    assert situations() == []

    run_batch()  # attaches the record: the situation goes on its account, named after the extract
    account = account_of("impots", IMPOTS_ROW["numero_fiscal"])
    assert situations() == [(account, "surendettement", date(2026, 3, 2), "impots", "BDF-89-0042", None)]
    with db.new_session() as s:
        assert s.scalars(select(SituationDeclaree.situation_id)).one() is not None

    # the same file again: nothing new; the same situation declared by another record of the same account
    # (an amende of the same person, attached to it): one situation still
    assert run_import(cli, "impots", path).exit_code == 0
    assert run_import(cli, "amendes", write_csv(tmp_path / "a1.csv", list(AMENDES.names), [AMENDE_ROW])).exit_code == 0
    with db.transaction() as s:
        record = s.scalar(select(SourceRecord.id).where(SourceRecord.source == "amendes"))
        link = s.scalar(select(RecordLink).where(RecordLink.source_record_id == record))
        if link is None:
            s.add(RecordLink(source_record_id=record, redevable_id=account, method="manual"))
        else:
            link.redevable_id = account
    amende = {**AMENDE_ROW, **SURENDETTEMENT}
    assert run_import(cli, "amendes", write_csv(tmp_path / "a2.csv", list(AMENDES.names), [amende])).exit_code == 0
    assert count(SituationDeclaree) == 2  # one per record that declared it
    assert len(situations()) == 1
    with db.new_session() as s:
        assert len(set(s.scalars(select(SituationDeclaree.situation_id)))) == 1

    # a record already attached declaring a new situation: recorded by the import itself
    deces = {**second, "situation": "deces", "date_situation": "01/12/2026", "reference_situation": ""}
    assert run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW, deces], name="deces.csv")).exit_code == 0
    assert [(k, d, r) for _a, k, d, _s, r, _g in situations()] == [
        ("surendettement", date(2026, 3, 2), "BDF-89-0042"), ("deces", date(2026, 12, 1), "")]


def test_a_situation_recorded_by_hand_stays_and_is_not_duplicated(cli, structures, tmp_path):
    assert run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW], name="first.csv")).exit_code == 0
    run_batch()
    account = account_of("impots", IMPOTS_ROW["numero_fiscal"])
    with db.transaction() as s:
        s.add(Situation(redevable_id=account, kind="surendettement", started_on=date(2026, 3, 2), source="agent",
                        reference="BDF-89-0042"))
    line = {**IMPOTS_ROW, **SURENDETTEMENT}
    assert run_import(cli, "impots", impots_file(tmp_path, [line], name="second.csv")).exit_code == 0
    assert situations() == [(account, "surendettement", date(2026, 3, 2), "agent", "BDF-89-0042", None)]
    with db.new_session() as s:  # the declaration points to the situation already on the account
        hand = s.scalars(select(Situation.id)).one()
        assert s.scalars(select(SituationDeclaree.situation_id)).one() == hand


def test_bad_situation_values_reject_the_line_with_the_reason(cli, structures, tmp_path):
    bad = {
        "R2": ({"situation": "faillite", "date_situation": "02/03/2026"}, "Situation inconnue : « faillite »"),
        "R3": ({"situation": "deces"}, "Date de la situation manquante"),
        "R4": ({"date_situation": "02/03/2026"}, "Situation manquante : date_situation"),
        "R5": ({"situation": "deces", "date_situation": "31/02/2026"}, "Date de la situation invalide"),
        "R6": ({"situation": "deces", "date_situation": "01/01/2099"}, "Date de la situation dans le futur"),
    }
    rows = [IMPOTS_ROW] + [{**IMPOTS_ROW, "reference_avis": ref, **values} for ref, (values, _m) in bad.items()]
    path = impots_file(tmp_path, rows)
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "1 valides, 5 rejetées" in result.output
    rejects = rejects_of(path)
    for line, (_values, message) in zip(("3", "4", "5", "6", "7"), bad.values(), strict=True):
        assert rejects[line]["motif"].startswith(message), rejects[line]["motif"]
    assert count(SituationDeclaree) == 0 and count(Creance) == 1


def test_a_file_without_the_optional_columns_imports_as_before(cli, structures, tmp_path):
    header = [c for c in IMPOTS.names
              if c not in ("situation", "date_situation", "reference_situation", "montant_principal",
                           "montant_majorations")]
    path = write_csv(tmp_path / "ancien.csv", header, [IMPOTS_ROW])
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "1 valides, 0 rejetées" in result.output
    with db.new_session() as s:
        creance = s.scalars(select(Creance)).one()
    assert (creance.amount_initial_cents, creance.principal_cents, creance.majorations_cents) == (123456, None, None)
    assert count(SituationDeclaree) == 0


def test_principal_and_majorations_are_stored_or_the_line_rejected(cli, structures, tmp_path):
    rows = [
        {**IMPOTS_ROW, "montant_principal": "1 122,33", "montant_majorations": "112,23"},
        {**IMPOTS_ROW, "reference_avis": "R2", "montant_principal": "1 000,00", "montant_majorations": "100,00"},
        {**IMPOTS_ROW, "reference_avis": "R3", "montant_principal": "1 234,56"},
        {**IMPOTS_ROW, "reference_avis": "R4", "montant_principal": "1234,56", "montant_majorations": "-1"},
    ]
    path = impots_file(tmp_path, rows)
    result = run_import(cli, "impots", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "1 valides, 3 rejetées" in result.output
    rejects = rejects_of(path)
    assert rejects["3"]["motif"].startswith("Ventilation incohérente : principal (1\u202f000,00\u00a0€)")
    assert rejects["4"]["motif"].startswith("Ventilation incomplète")
    assert rejects["5"]["motif"].startswith("Montant des majorations négatif")
    with db.new_session() as s:
        creance = s.scalars(select(Creance)).one()
    assert (creance.principal_cents, creance.majorations_cents) == (112233, 11223)
    assert creance.principal_cents + creance.majorations_cents == creance.amount_initial_cents


def test_a_new_record_attached_right_after_its_import_brings_its_situation(cli, structures, tmp_path):
    assert run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW], name="first.csv")).exit_code == 0
    run_batch()  # a model exists: later imports attach their new records at once
    newcomer = {**IMPOTS_ROW, "numero_fiscal": NF2, "nom_naissance": "LEROY", "nom_usage": "", "prenoms": "PAUL",
                "date_naissance": "01/06/1950", "reference_avis": "IR-2024-0009",
                "situation": "procedure_collective", "date_situation": "15/01/2026", "reference_situation": "RG 26/17"}
    result = run_import(cli, "impots", impots_file(tmp_path, [newcomer], name="second.csv"))
    assert result.exit_code == 0, result.output + result.stderr
    assert "Rapprochement au fil de l'eau" in result.output
    account = account_of("impots", NF2)
    assert account is not None
    assert situations() == [(account, "procedure_collective", date(2026, 1, 15), "impots", "RG 26/17", None)]


def test_a_later_file_changing_the_breakdown_updates_it_with_an_event(cli, structures, tmp_path):
    from mrf.models import CreanceEvent

    split = {**IMPOTS_ROW, "montant_principal": "1 122,33", "montant_majorations": "112,23"}
    assert run_import(cli, "impots", impots_file(tmp_path, [split], name="a.csv")).exit_code == 0
    resplit = {**split, "montant_principal": "1 000,00", "montant_majorations": "234,56"}
    assert run_import(cli, "impots", impots_file(tmp_path, [resplit], name="b.csv")).exit_code == 0
    assert run_import(cli, "impots", impots_file(tmp_path, [IMPOTS_ROW], name="c.csv")).exit_code == 0
    with db.new_session() as s:
        creance = s.scalars(select(Creance)).one()
        changes = [e.changes for e in s.scalars(select(CreanceEvent).order_by(CreanceEvent.id))]
    assert (creance.principal_cents, creance.majorations_cents) == (None, None)
    assert changes == [{"principal_cents": [112233, 100000], "majorations_cents": [11223, 23456]},
                       {"principal_cents": [100000, None], "majorations_cents": [23456, None]}]


def test_a_situation_repeated_on_every_line_of_a_debtor_is_declared_once_from_its_first_line(cli, structures,
                                                                                              tmp_path):
    rows = [{**IMPOTS_ROW, "reference_avis": f"R{n}", **SURENDETTEMENT} for n in range(3)]
    rows.insert(1, {**rows[0], "montant_initial": "1,00", "reste_a_recouvrer": "1,00"})  # R0 again, other values
    path = impots_file(tmp_path, rows)
    result = run_import(cli, "impots", path)
    assert "3 valides, 1 rejetées" in result.output, result.output
    with db.new_session() as s:
        assert [(d.line, d.reference) for d in s.scalars(select(SituationDeclaree))] == [(2, "BDF-89-0042")]


def test_a_situation_already_on_an_account_merged_into_this_one_is_not_recorded_again(cli, structures, tmp_path):
    from mrf.models import Redevable

    line = {**IMPOTS_ROW, **SURENDETTEMENT}
    assert run_import(cli, "impots", impots_file(tmp_path, [line])).exit_code == 0
    run_batch()
    merged = account_of("impots", IMPOTS_ROW["numero_fiscal"])
    assert run_import(cli, "amendes", write_csv(tmp_path / "a1.csv", list(AMENDES.names), [AMENDE_ROW])).exit_code == 0
    with db.transaction() as s:  # the impôts account turns out to be the amendes person's: merged into a survivor
        survivor = Redevable(nom="DUPONT", prenoms="MARIE")
        s.add(survivor)
        s.flush()
        s.get(Redevable, merged).merged_into_id = survivor.id
        record = s.scalar(select(SourceRecord.id).where(SourceRecord.source == "amendes"))
        link = s.scalar(select(RecordLink).where(RecordLink.source_record_id == record))
        if link is None:
            s.add(RecordLink(source_record_id=record, redevable_id=survivor.id, method="manual"))
        else:
            link.redevable_id = survivor.id
    amende = {**AMENDE_ROW, **SURENDETTEMENT}
    assert run_import(cli, "amendes", write_csv(tmp_path / "a2.csv", list(AMENDES.names), [amende])).exit_code == 0
    assert [(a, k) for a, k, *_rest in situations()] == [(merged, "surendettement")]
