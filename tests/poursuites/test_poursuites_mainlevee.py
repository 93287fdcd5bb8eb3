from datetime import date

import pytest
from poursuites_fixtures import ON, amende, impot, local

from poursuites.imputation import impute_paiement_tiers
from poursuites.mainlevee import propose_mainlevees
from poursuites.model import SatdEnCours

BANK = dict(tiers_id="b1", acte_id="A-1", issued_on=date(2025, 3, 1), tiers_name="Banque Exemple")
EMPLOYER = dict(tiers_id="e1", acte_id="A-2", issued_on=date(2025, 3, 5), tiers_name="Société Exemple")


def _rows(cids, **act):
    return [SatdEnCours(creance_id=c, **act) for c in cids]


def test_bank_seizure_covering_the_debt_releases_the_employer_satd():
    satd = _rows(["i1", "a1"], **BANK) + _rows(["i1", "a1"], **EMPLOYER)
    due = {"i1": 120_000, "a1": 37_500}
    proposals = propose_mainlevees(satd, {"A-1": 157_500}, due)
    assert [(m.acte_id, m.totale) for m in proposals] == [("A-1", True), ("A-2", True)]
    assert "Société Exemple" in proposals[1].reason and proposals[1].montant_restant_cents == 0


def test_partial_cover_reduces_the_other_act_to_what_is_still_due():
    satd = _rows(["i1", "a1"], **BANK) + _rows(["i1", "a1"], **EMPLOYER)
    due = {"i1": 120_000, "a1": 37_500}
    exig = {"i1": date(2024, 9, 15), "a1": date(2024, 11, 2)}
    # 1 300 € from the bank: i1 (due first) fully paid 1 200 €, a1 gets 100 € → 275 € left
    [m_bank, m_emp] = propose_mainlevees(satd, {"A-1": 130_000}, due, exig)
    assert (m_bank.totale, m_bank.creance_ids_liberees, m_bank.montant_restant_cents) == (False, ("i1",), 27_500)
    assert (m_emp.totale, m_emp.montant_restant_cents) == (False, 27_500)
    assert "275,00" in m_emp.reason


def test_nothing_seized_proposes_nothing_and_bad_input_is_refused():
    satd = _rows(["i1"], **BANK) + _rows(["i1"], **EMPLOYER)
    assert propose_mainlevees(satd, {}, {"i1": 120_000}) == []
    with pytest.raises(ValueError, match="Montant dû inconnu"):
        propose_mainlevees(satd, {}, {})
    with pytest.raises(ValueError, match="positifs"):
        propose_mainlevees(satd, {"A-1": -1}, {"i1": 1})


def test_tiers_payment_is_imputed_only_to_the_act_creances_and_the_excess_is_refunded():
    creances = [impot("i1", rar=120_000), amende("a1", rar=37_500), local("l1", rar=48_000)]
    r = impute_paiement_tiers(150_000, "A-1", ["a1", "l1"], creances, ON)
    assert {line.creance_id: line.amount_cents for line in r.imputation.lines} == {"a1": 37_500, "l1": 48_000}
    assert r.imputation.amount_for("i1") == 0  # another créance of the account is left untouched
    assert r.refund_cents == 150_000 - 85_500 and r.refund_due
    assert "remboursé" in r.imputation.explanation and "A-1" in r.imputation.explanation


def test_tiers_payment_below_the_act_total_leaves_no_refund():
    creances = [impot("i1", rar=120_000), amende("a1", rar=37_500)]
    r = impute_paiement_tiers(20_000, "A-1", ["a1"], creances, ON)
    assert r.imputation.amount_for("a1") == 20_000 and r.refund_cents == 0 and not r.refund_due


def test_tiers_payment_refuses_an_unknown_creance():
    with pytest.raises(ValueError, match="absentes du compte"):
        impute_paiement_tiers(1_000, "A-1", ["zz"], [impot()], ON)
