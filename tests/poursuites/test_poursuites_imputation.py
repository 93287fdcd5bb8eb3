from datetime import date

import pytest
from poursuites_fixtures import ON, amende, impot, local

from poursuites.imputation import ImputationRule, impute, pro_rata


def _amounts(imp):
    return {line.creance_id: line.amount_cents for line in imp.lines}


def test_1342_10_due_debts_first_then_oldest():
    old = impot("old", rar=10_000, date_exigibilite=date(2023, 9, 15))
    new = amende("new", rar=10_000, date_exigibilite=date(2024, 11, 2))
    future = local("future", rar=10_000, date_exigibilite=date(2025, 12, 1))
    imp = impute(15_000, [future, new, old], ON)
    assert _amounts(imp) == {"old": 10_000, "new": 5_000}
    assert imp.overpayment_cents == 0 and not imp.refund_due
    # Once every due debt is paid, the rest goes to the debt not yet due.
    assert _amounts(impute(25_000, [future, new, old], ON))["future"] == 5_000


def test_1342_10_interest_ranks_before_age():
    old = impot("old", rar=10_000, date_exigibilite=date(2023, 9, 15))
    new = amende("new", rar=10_000, date_exigibilite=date(2024, 11, 2))
    imp = impute(10_000, [old, new], ON, interest={"new": 1})
    assert _amounts(imp) == {"new": 10_000}


def test_pro_rata_with_deterministic_remainder():
    same = date(2024, 11, 2)
    a = amende("a", rar=10_000, date_exigibilite=same)
    b = local("b", rar=20_000, date_exigibilite=same)
    # 10 001 × 1/3 = 3 333,67 ; 10 001 × 2/3 = 6 667,33 → floors 3 333 + 6 667 = 10 000,
    # the leftover cent goes to the largest remainder (a: 0,67).
    assert _amounts(impute(10_001, [a, b], ON)) == {"a": 3_334, "b": 6_667}


def test_pro_rata_equal_remainders_go_by_reference():
    same = date(2024, 11, 2)
    cs = [amende(x, rar=10_000, date_exigibilite=same, reference=ref)
          for x, ref in (("x", "C"), ("y", "A"), ("z", "B"))]
    amounts = _amounts(impute(100, cs, ON))
    assert amounts == {"y": 34, "z": 33, "x": 33}
    assert sum(amounts.values()) == 100


def test_pro_rata_sums_exactly():
    shares = pro_rata(99_999, [("a", 12_345), ("b", 67_890), ("c", 1), ("d", 55_555)])
    assert sum(shares) == 99_999


def test_overpayment_is_flagged_for_refund():
    imp = impute(50_000, [impot(rar=20_000), amende(rar=10_000)], ON)
    assert imp.overpayment_cents == 20_000 and imp.refund_due
    assert "rembourser" in imp.explanation
    assert sum(line.amount_cents for line in imp.lines) == 30_000


def test_cancelled_and_settled_are_never_imputed():
    imp = impute(10_000, [impot("i", rar=5_000, cancelled=True), amende("a", rar=0), local("l", rar=4_000)], ON)
    assert _amounts(imp) == {"l": 4_000} and imp.overpayment_cents == 6_000


def test_chosen_by_debtor_then_surplus_by_default_rule():
    old = impot("old", rar=10_000, date_exigibilite=date(2023, 9, 15))
    new = amende("new", rar=10_000, date_exigibilite=date(2024, 11, 2))
    imp = impute(12_000, [old, new], ON, ImputationRule.CHOISIE_PAR_REDEVABLE, chosen_ids=["new"])
    assert _amounts(imp) == {"new": 10_000, "old": 2_000}
    with pytest.raises(ValueError, match="inconnue"):
        impute(1_000, [old], ON, ImputationRule.CHOISIE_PAR_REDEVABLE, chosen_ids=["zzz"])


def test_oldest_first_without_pro_rata():
    same = date(2024, 11, 2)
    a = amende("a", rar=10_000, date_exigibilite=same, reference="A")
    b = local("b", rar=20_000, date_exigibilite=same, reference="B")
    c = impot("c", rar=5_000, date_exigibilite=date(2022, 1, 1))
    imp = impute(12_000, [a, b, c], ON, ImputationRule.PLUS_ANCIENNE_DABORD)
    assert _amounts(imp) == {"c": 5_000, "a": 7_000}


def test_payment_must_be_positive():
    with pytest.raises(ValueError, match="strictement positif"):
        impute(0, [impot()], ON)
