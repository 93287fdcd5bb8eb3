"""``mrf match`` in the application: stable account ids, human decisions, incremental attach."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import MatchPair, MatchRun, RecordLink, Redevable, ReviewDecision, SourceRecord
from mrf.services.identite.rapprochement import attach_new_records, run_batch

PEOPLE = [
    # (source, key, nom/naissance, usage, prenoms, birth date, street, postcode, city)
    ("impots", "1", "MARTIN", "DUPONT", "MARIE CLAIRE", date(1975, 3, 12), "12 RUE DE PARIS", "89000", "AUXERRE"),
    ("amendes", "A1", "DUPONT", None, "MARIE", date(1975, 3, 12), "12 RUE DE PARIS", "89000", "AUXERRE"),
    ("secteur_local", "T1", "DUPONT NEE MARTIN", None, "MARIE", None, "12 R DE PARIS", "89000", "AUXERRE"),
    ("impots", "2", "LEROY", None, "JEAN PIERRE", date(1950, 6, 1), "3 AV FOCH", "58000", "NEVERS"),
    ("amendes", "A2", "LEROY", None, "JEAN-PIERRE", date(1950, 6, 1), "3 AVENUE FOCH", "58000", "NEVERS"),
    ("impots", "3", "LEROY", None, "JEAN PIERRE", date(1979, 9, 9), "3 AV FOCH", "58000", "NEVERS"),  # the son
    ("impots", "4", "BERNARD", None, "LUC", date(1988, 1, 20), "5 RUE HAUTE", "43000", "LE PUY EN VELAY"),
    ("impots", "5", "BERNARD", None, "PAUL", date(1988, 1, 20), "5 RUE HAUTE", "43000", "LE PUY EN VELAY"),  # twin
    ("amendes", "A9", "DURANT", None, "P", None, "8 BD GAMBETTA", "06000", "NICE"),  # nobody the engine can tie
]


def add_record(session, source, key, nom, usage, prenoms, born, street, postcode, city) -> SourceRecord:
    number, _, voie = street.partition(" ")
    values = dict(source=source, source_key=key, prenoms=prenoms, date_naissance=born, numero_voie=number,
                  voie=voie, code_postal=postcode, commune=city)
    if source == "impots":
        values.update(nom_naissance=nom, nom_usage=usage, numero_fiscal=f"{int(key):013d}")
    else:
        values.update(nom=nom)
    record = SourceRecord(**values)
    session.add(record)
    session.flush()
    return record


@pytest.fixture
def records(app):
    with db.transaction() as s:
        return {(p[0], p[1]): add_record(s, *p).id for p in PEOPLE}


def account_of() -> dict[int, int]:
    with db.new_session() as s:
        return dict(s.execute(select(RecordLink.source_record_id, RecordLink.redevable_id)).all())


def test_batch_links_known_matches_and_keeps_traps_apart(records):
    report = run_batch()
    acc = account_of()
    assert report.records == len(PEOPLE)
    married = {acc[records[k]] for k in (("impots", "1"), ("amendes", "A1"))}
    assert len(married) == 1
    assert acc[records[("impots", "2")]] == acc[records[("amendes", "A2")]]
    assert acc[records[("impots", "2")]] != acc[records[("impots", "3")]]  # father and son
    assert acc[records[("impots", "4")]] != acc[records[("impots", "5")]]  # twins
    with db.new_session() as s:
        link = s.scalars(select(RecordLink).where(RecordLink.source_record_id == records[("amendes", "A1")])).one()
    assert link.explanation and link.explanation["fields"], "every link keeps its explanation"


def test_rerun_never_renumbers_accounts(records):
    run_batch()
    first = account_of()
    report = run_batch()
    assert account_of() == first
    assert report.created == 0 and report.merged == 0 and report.relinked == 0


def test_human_decision_is_respected_by_later_runs(records):
    run_batch()
    person, loose = records[("impots", "4")], records[("amendes", "A9")]
    assert account_of()[person] != account_of()[loose]
    with db.transaction() as s:
        s.add(ReviewDecision(left_record_id=min(person, loose), right_record_id=max(person, loose), decision="same"))
    run_batch()
    acc = account_of()
    assert acc[person] == acc[loose]
    with db.transaction() as s:
        s.add(ReviewDecision(left_record_id=min(person, loose), right_record_id=max(person, loose),
                             decision="different"))
    before = acc[person]
    report = run_batch()
    acc = account_of()
    assert acc[person] != acc[loose]
    assert before in (acc[person], acc[loose]), "the account keeps its id on one side of the split"
    assert report.split >= 1


def test_records_imported_after_a_batch_are_attached_incrementally(records):
    run_batch()
    with db.transaction() as s:
        new = add_record(s, "secteur_local", "T9", "LEROY", None, "JEAN PIERRE", date(1950, 6, 1),
                         "3 AV FOCH", "58000", "NEVERS").id
    message = attach_new_records([new])
    acc = account_of()
    assert acc[new] == acc[records[("impots", "2")]]
    assert "1 enregistrement(s) rattaché(s)" in message


def test_records_attached_incrementally_follow_the_reviewers_decisions(records):
    """The daily attach honours human decisions as ``mrf match`` does: a copy of JEAN PIERRE LEROY
    decided "different" from him goes to no account of his; a record decided "same" as LUC BERNARD
    goes to his account though nothing in it agrees."""
    run_batch()
    father, luc = records[("impots", "2")], records[("impots", "4")]
    with db.transaction() as s:
        copy = add_record(s, "secteur_local", "T9", "LEROY", None, "JEAN PIERRE", date(1950, 6, 1),
                          "3 AV FOCH", "58000", "NEVERS").id
        odd = add_record(s, "secteur_local", "T10", "VASSEROT", None, "ODILE", date(1931, 1, 1),
                         "1 RUE INCONNUE", "06000", "NICE").id
        s.add(ReviewDecision(left_record_id=min(father, copy), right_record_id=max(father, copy),
                             decision="different"))
        s.add(ReviewDecision(left_record_id=min(luc, odd), right_record_id=max(luc, odd), decision="same"))
    attach_new_records([copy, odd])
    acc = account_of()
    assert acc[copy] != acc[father] and acc[odd] == acc[luc]


def test_merged_accounts_point_to_the_oldest(records):
    run_batch()
    a, b = records[("impots", "4")], records[("amendes", "A9")]
    acc = account_of()
    older, younger = sorted((acc[a], acc[b]))
    with db.transaction() as s:
        s.add(ReviewDecision(left_record_id=min(a, b), right_record_id=max(a, b), decision="same"))
    report = run_batch()
    acc = account_of()
    assert acc[a] == acc[b] == older and report.merged == 1
    with db.new_session() as s:
        assert s.get(Redevable, younger).merged_into_id == older
        assert s.scalar(select(MatchPair.id).limit(1)) is not None


def test_a_model_of_an_older_engine_is_not_used_for_attaching(records):
    run_batch()
    with db.transaction() as s:
        run = s.scalars(select(MatchRun).where(MatchRun.kind == "batch")).one()
        model = dict(run.model)
        model["comparisons"] = {**model["comparisons"],
                                "surname": {**model["comparisons"]["surname"], "levels": ["null", "exact", "other"]}}
        run.model = model
        new = add_record(s, "secteur_local", "T9", "LEROY", None, "JEAN PIERRE", date(1950, 6, 1),
                         "3 AV FOCH", "58000", "NEVERS").id
    assert attach_new_records([new]) is None  # left for the next batch run, which retrains
    assert new not in account_of()
    run_batch()
    assert account_of()[new] == account_of()[records[("impots", "2")]]
