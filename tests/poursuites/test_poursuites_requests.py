from datetime import date

import pytest
from poursuites_fixtures import amende, impot, local

from poursuites.catalogue import ActionKind
from poursuites.eligibility import evaluate
from poursuites.model import Product
from poursuites.requests import (
    Contestation,
    Echeance,
    Paiement,
    PlanDeReglement,
    PlanState,
    apply_requests,
    build_schedule,
    plan_status,
    remise_gracieuse_routes,
)


def _plan():
    # 300,01 € over 3 monthly instalments from 10/01/2025: 100,01 + 100,00 + 100,00.
    return PlanDeReglement("p1", ("i1", "a1"), build_schedule(30_001, date(2025, 1, 10), 3), date(2025, 1, 2))


def test_schedule():
    assert _plan().echeances == (
        Echeance(date(2025, 1, 10), 10_001), Echeance(date(2025, 2, 10), 10_000), Echeance(date(2025, 3, 10), 10_000),
    )
    assert build_schedule(100, date(2025, 1, 31), 2)[1].due_on == date(2025, 2, 28)


def test_honoured_plan_suspends():
    pays = [Paiement(date(2025, 1, 9), 10_001), Paiement(date(2025, 2, 10), 10_000)]
    s = plan_status(_plan(), pays, date(2025, 3, 1))
    assert s.state is PlanState.RESPECTE and s.suspends_poursuites and s.missed is None


def test_missed_instalment_resumes_poursuites():
    pays = [Paiement(date(2025, 1, 9), 10_001)]
    assert plan_status(_plan(), pays, date(2025, 2, 10)).state is PlanState.RESPECTE  # due today, not late yet
    s = plan_status(_plan(), pays, date(2025, 2, 11))
    assert s.state is PlanState.DEFAILLANT and not s.suspends_poursuites
    assert s.missed == Echeance(date(2025, 2, 10), 10_000)
    assert "10/02/2025" in s.reason and "reprise des poursuites" in s.reason


def test_late_payment_does_not_cure_a_missed_instalment_but_grace_days_help():
    pays = [Paiement(date(2025, 1, 9), 10_001), Paiement(date(2025, 2, 14), 10_000)]
    assert plan_status(_plan(), pays, date(2025, 3, 1)).state is PlanState.DEFAILLANT
    graced = PlanDeReglement("p1", ("i1",), _plan().echeances, date(2025, 1, 2), grace_days=5)
    assert plan_status(graced, pays, date(2025, 3, 1)).state is PlanState.RESPECTE


def test_fully_paid_plan():
    s = plan_status(_plan(), [Paiement(date(2025, 1, 5), 30_001)], date(2025, 6, 1))
    assert s.state is PlanState.SOLDE


def test_apply_requests_plan_and_contestation():
    on = date(2025, 3, 1)
    creances = [impot("i1"), amende("a1"), local("l1"), local("l2")]
    pays = [Paiement(date(2025, 1, 9), 10_001), Paiement(date(2025, 2, 10), 10_000)]
    out = apply_requests(creances, on, plans=[(_plan(), pays)], contestations=[Contestation("l1", date(2025, 2, 1))])
    by_id = {c.id: c for c in out}
    assert by_id["i1"].in_honoured_plan and by_id["a1"].in_honoured_plan
    assert by_id["l1"].contested and not by_id["l2"].contested  # only the contested créance
    assert (evaluate(by_id["i1"], ActionKind.SATD_BANQUE, on).reason
            == "Plan de règlement respecté : poursuites suspendues.")
    assert evaluate(by_id["l2"], ActionKind.SATD_BANQUE, on).eligible
    # Missed instalment → flags cleared, poursuites resume.
    out = apply_requests(creances, date(2025, 3, 11), plans=[(_plan(), pays)])
    assert not any(c.in_honoured_plan for c in out)


def test_decided_contestation_no_longer_suspends():
    c = Contestation("l1", date(2025, 2, 1), decided_on=date(2025, 4, 1))
    assert c.suspends(date(2025, 3, 1)) and not c.suspends(date(2025, 4, 1))


def test_remise_gracieuse_routes():
    creances = [impot("i1"), amende("a1"), local("l1")]
    routes = {r.creance_id: r for r in remise_gracieuse_routes(creances, ["i1", "a1", "l1"])}
    assert routes["i1"].possible and "L247" in routes["i1"].base_legale
    assert not routes["a1"].possible and routes["a1"].product is Product.AMENDES
    assert routes["l1"].possible and "assemblée délibérante" in routes["l1"].autorite
    with pytest.raises(ValueError, match="inconnue"):
        remise_gracieuse_routes([impot("i1")], ["x"])
