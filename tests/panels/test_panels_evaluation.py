import math

import pytest

from panels import Group, Outcome, compare_recovery

GROUPS = {1: Group.PANEL, 2: Group.PANEL, 3: Group.CONTROL, 4: Group.CONTROL}


def test_recovery_rate_difference_with_normal_confidence_interval():
    outcomes = [
        Outcome(1, "amendes", 60, 30), Outcome(1, "amendes", 40, 20),  # one debtor, summed
        Outcome(2, "amendes", 100, 30),
        Outcome(3, "amendes", 100, 10), Outcome(4, "amendes", 300, 30),
        Outcome(99, "amendes", 1000, 1000),  # not a member: ignored
        Outcome(1, "impots", 500, 500),
    ]
    by_product = {r.product: r for r in compare_recovery(outcomes, GROUPS)}
    assert list(by_product) == ["impots", "amendes"]
    a = by_product["amendes"]
    assert a.label == "Taux de recouvrement amendes"
    assert (a.panel.n, a.panel.due_cents, a.panel.recovered_cents) == (2, 200, 80)
    assert (a.control.n, a.control.due_cents, a.control.recovered_cents) == (2, 400, 40)
    assert a.panel.rate == 0.4 and a.control.rate == 0.1
    # linearised variance: 2/1 · (10² + 10²) / 200² = 0.01
    assert a.panel.std_error == pytest.approx(0.1) and a.control.std_error == 0
    z = 1.959964
    assert a.difference == pytest.approx(0.3)
    assert a.ci_low == pytest.approx(0.3 - z * 0.1, abs=1e-5) and a.ci_high == pytest.approx(0.3 + z * 0.1, abs=1e-5)
    assert a.significant
    wider = {r.product: r for r in compare_recovery(outcomes, GROUPS, confidence=0.99)}["amendes"]
    assert wider.ci_low < a.ci_low and wider.ci_high > a.ci_high
    i = by_product["impots"]
    assert i.panel.rate == 1.0 and i.control.rate is None and i.difference is None and not i.significant


def test_no_difference_is_not_significant():
    outcomes = [Outcome(k, "impots", 100, 50 + (k % 2) * 20) for k in range(1, 5)]
    (r,) = compare_recovery(outcomes, GROUPS)
    assert r.difference == pytest.approx(0.0, abs=0.11)
    assert r.ci_low < 0 < r.ci_high and not r.significant
    assert math.isclose(r.ci_high - r.difference, r.difference - r.ci_low, abs_tol=1e-5)


def test_invalid_inputs():
    with pytest.raises(ValueError, match="Montants négatifs"):
        compare_recovery([Outcome(1, "amendes", -5, 0)], GROUPS)
    with pytest.raises(ValueError, match="niveau de confiance"):
        compare_recovery([], GROUPS, confidence=1.5)
