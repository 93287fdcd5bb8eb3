"""Review decisions in the application: labels for the engine (learned, never overridden) and a decision
applied at once by re-clustering what it touches."""

from __future__ import annotations

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import MatchPair, MatchRun, ReviewDecision
from mrf.services.identite import revue
from mrf.services.identite.rapprochement import run_batch

from .test_matching_service import account_of, records  # noqa: F401 - the fixture


def _decide(a: int, b: int, decision: str) -> None:
    with db.transaction() as s:
        s.add(ReviewDecision(left_record_id=min(a, b), right_record_id=max(a, b), decision=decision))


def _trained_labels() -> int:
    with db.new_session() as s:
        model = s.scalar(select(MatchRun.model).where(MatchRun.kind == "batch").order_by(MatchRun.id.desc()))
    return int(model["training"].get("labels", 0))


def test_human_decisions_are_the_labels_and_are_never_overridden(records) -> None:  # noqa: F811
    run_batch()
    married = (records[("impots", "1")], records[("amendes", "A1")])
    twins = (records[("impots", "4")], records[("impots", "5")])
    assert account_of()[married[0]] == account_of()[married[1]]
    assert account_of()[twins[0]] != account_of()[twins[1]]
    _decide(*married, "different")  # against the engine both ways
    _decide(*twins, "same")
    for _ in range(2):  # and again at the next run: a human decision stays
        run_batch()
        acc = account_of()
        assert acc[married[0]] != acc[married[1]]
        assert acc[twins[0]] == acc[twins[1]]
    # the engine learned from the two human decisions only, not from the accounts it keeps together
    assert _trained_labels() == 2


def test_an_undone_decision_is_no_label(records) -> None:  # noqa: F811
    run_batch()
    twins = (records[("impots", "4")], records[("impots", "5")])
    _decide(*twins, "same")
    _decide(*twins, "annulee")
    run_batch()
    assert _trained_labels() == 0


def test_different_person_is_applied_at_once_by_reclustering(records) -> None:  # noqa: F811
    run_batch()
    a, b = records[("impots", "1")], records[("amendes", "A1")]
    account = account_of()[a]
    assert account_of()[b] == account
    with db.transaction() as s:  # the pair waits in the queue
        run = MatchRun(kind="incremental", stats={})  # a later scoring put the pair in the review band
        s.add(run)
        s.flush()
        pair = MatchPair(run_id=run.id, left_record_id=min(a, b), right_record_id=max(a, b), probability=0.9,
                         explanation={"fields": []}, status="review")
        s.add(pair)
        s.flush()
        pair_id = pair.id
    revue.decide(pair_id, "different", None, None)
    acc = account_of()
    assert acc[a] != acc[b]  # no CLI run needed
    assert account in (acc[a], acc[b])  # the account keeps its id on the side of its oldest record
    report = run_batch()  # the next batch run agrees with the decision
    acc = account_of()
    assert acc[a] != acc[b] and report.records == len(records)


def test_pairs_to_examine_are_the_queue(records) -> None:  # noqa: F811
    """The run's « paires à examiner » and the review page count the same pairs."""
    report = run_batch()
    with db.new_session() as s:
        assert revue.pending_count(s) == report.review_pairs
        statuses = set(s.scalars(select(MatchPair.status).where(MatchPair.status != "accepted")))
    assert statuses <= set(revue.QUEUED_STATUSES)
    assert f"{report.review_pairs} paires à examiner" in report.summary()
