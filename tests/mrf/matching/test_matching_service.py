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


NEW_PEOPLE = [  # in id order: one person's two records apart, so that a chunk of two splits them
    ("impots", "6", "GARNIER", None, "ANNE SOPHIE", date(1968, 11, 2), "7 RUE DES LILAS", "21000", "DIJON"),
    ("secteur_local", "T9", "LEROY", None, "JEAN PIERRE", date(1950, 6, 1), "3 AV FOCH", "58000", "NEVERS"),
    ("amendes", "A6", "GARNIER", None, "ANNE SOPHIE", date(1968, 11, 2), "7 RUE DES LILAS", "21000", "DIJON"),
    ("amendes", "A7", "FOURNIER", None, "LOUIS", date(1992, 4, 30), "1 PL DU MARCHE", "35000", "RENNES"),
]


@pytest.fixture
def many_new(records, monkeypatch):
    """A batch run, then new records attached by the batch path in chunks of two."""
    from mrf.services.identite import rattachement

    run_batch()
    with db.transaction() as s:
        new = {(p[0], p[1]): add_record(s, *p).id for p in NEW_PEOPLE}
    monkeypatch.setattr(rattachement, "SEUIL_LOT", 2)
    monkeypatch.setattr(rattachement, "TAILLE_LOT", 2)
    return new


def _check_new_accounts(records, new) -> None:
    acc = account_of()
    assert all(i in acc for i in new.values())
    assert acc[new[("secteur_local", "T9")]] == acc[records[("impots", "2")]]  # an existing account
    garnier = acc[new[("impots", "6")]]
    assert garnier == acc[new[("amendes", "A6")]] and garnier not in {acc[i] for i in records.values()}
    assert acc[new[("amendes", "A7")]] not in {acc[i] for i in (*records.values(), new[("impots", "6")])}


def test_many_new_records_are_attached_by_the_batch_path_as_mrf_match_links_them(records, many_new):
    message = attach_new_records(list(many_new.values()))
    with db.new_session() as s:
        run = s.scalar(select(MatchRun).order_by(MatchRun.id.desc()).limit(1))
        link = s.scalars(select(RecordLink).where(RecordLink.source_record_id == many_new[("amendes", "A6")])).one()
    assert run.stats["chemin"] == "lot" and run.stats["records"] == 4
    assert "2 enregistrement(s) rattaché(s)" in message and "2 nouveau(x) compte(s)" in message
    assert link.method == "batch" and link.explanation["avec_enregistrement"] == many_new[("impots", "6")]
    _check_new_accounts(records, many_new)
    attached = account_of()
    report = run_batch()  # mrf match on the same data: nothing to change
    assert account_of() == attached
    assert (report.created, report.merged, report.relinked, report.split) == (0, 0, 0, 0)


def test_a_killed_batch_attach_is_resumed_by_the_next_import(records, many_new, monkeypatch):
    from mrf.services.identite import hooks, rattachement

    real, calls = rattachement._attach_chunk, []

    def dies_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("tué")
        return real(*args, **kwargs)

    monkeypatch.setattr(rattachement, "_attach_chunk", dies_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        attach_new_records(list(many_new.values()))
    assert set(many_new.values()) - set(account_of()) == {many_new[("amendes", "A6")], many_new[("amendes", "A7")]}
    monkeypatch.setattr(rattachement, "_attach_chunk", real)
    message = hooks.after_import([])  # an import that brought no new record still attaches the pending ones
    assert message and "1 enregistrement(s) rattaché(s)" in message and "1 nouveau(x) compte(s)" in message
    _check_new_accounts(records, many_new)


def test_the_attach_refreshes_the_work_lists_as_it_goes_and_at_the_end(records, many_new, monkeypatch):
    """Pages leave large refreshes to the writer at work: the attach refreshes the lists after its chunks
    (without queueing behind a page's refresh) and once more at the end, so the lists are exact then."""
    from mrf.services.comptes import worklist

    calls: list[tuple[bool, bool | None]] = []
    real = worklist.sync

    def counted(full: bool = False, wait: bool = True, budget: int | None = None,
                writer: bool | None = None) -> worklist.SyncReport:
        calls.append((wait, writer))
        return real(full, wait, budget, writer)

    monkeypatch.setattr(worklist, "WRITER_PERIOD", 0)
    monkeypatch.setattr(worklist, "sync", counted)
    attach_new_records(list(many_new.values()))
    # at the start (pages leave large refreshes to it from then on), after each of the two chunks of two
    # records without waiting, then at the end, waiting, the writer's mark removed
    assert calls == [(False, True), (False, True), (False, True), (True, False)]
    with db.new_session() as s:
        assert not worklist.needs_sync(s)


def test_mrf_match_and_an_import_leave_the_work_lists_up_to_date(records):
    """A batch run recomputes every entry: done by the run (not by the first page to open), and the hook
    after an import brings the lists up to date even when it attached nothing."""
    from mrf.services.comptes import worklist
    from mrf.services.identite import hooks

    run_batch()
    with db.new_session() as s:
        assert not worklist.needs_sync(s)
    with db.transaction() as s:
        s.add(Redevable(nom="NOUVEAU"))  # a change the lists have not seen (as an import's would be)
    with db.new_session() as s:
        assert worklist.needs_sync(s)
    hooks.after_import([])
    with db.new_session() as s:
        assert not worklist.needs_sync(s)
