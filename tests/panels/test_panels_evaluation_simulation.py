"""The demo's simulation model: exact expected rates, reproducible payments, a truth the estimator finds."""

from collections import defaultdict

import pytest

from panels import DEFAULT_MODEL, Group, InputError, SimulationMember, SimulationModel, evaluate, simulate
from panels.evaluation_simulation import DebtorType, ProductModel, expected_rate

T, C = Group.PANEL, Group.CONTROL


def members(n_per_group=40, dues=None):
    dues = dues or {"impots": 50_000, "amendes": 20_000}
    return [SimulationMember(k, T if k % 2 else C, dict(dues)) for k in range(1, 2 * n_per_group + 1)]


def test_expected_rate_by_hand():
    one = SimulationModel({"amendes": ProductModel(0.1, 0.1, 0.5)}, (DebtorType("tous", 1.0, 1.0),))
    assert expected_rate(one, "amendes", 2, treated=False) == pytest.approx(1 - 0.95**2)
    assert expected_rate(one, "amendes", 2, treated=True) == pytest.approx(1 - 0.9**2)
    types = (DebtorType("a", 0.5, 2.0), DebtorType("b", 0.5, 0.0))
    two = SimulationModel({"impots": ProductModel(0.5, 0.0, 1.0)}, types)
    # type a: hazard min(1, 0.5·2) = 1, pays everything in month 1; type b never pays
    assert expected_rate(two, "impots", 3, treated=False) == pytest.approx(0.5)


def test_default_model_gives_amendes_the_largest_gain():
    sim = simulate(members(), seed=1)
    truth = sim.true_difference
    assert set(truth) == {"impots", "amendes"}
    assert truth["amendes"] > truth["impots"] > 0
    rates = [expected_rate(DEFAULT_MODEL, "amendes", 12, treated=t) for t in (True, False)]
    assert truth["amendes"] == pytest.approx(rates[0] - rates[1])
    # pooled truth weights each product by the panel's dues: 50 000 and 20 000 per member
    assert sim.true_pooled_difference == pytest.approx((5 * truth["impots"] + 2 * truth["amendes"]) / 7)


def test_same_seed_same_payments_other_seed_other_payments():
    a, b, c = simulate(members(), seed=7), simulate(members(), seed=7), simulate(members(), seed=8)
    assert a.payments == b.payments and a.pre_period == b.pre_period
    assert a.payments != c.payments
    assert simulate(list(reversed(members())), seed=7).payments == a.payments  # input order does not matter


def test_payments_are_whole_cents_within_the_due_and_in_range():
    sim = simulate(members(), seed=3, months=6)
    paid = defaultdict(int)
    for p in sim.payments:
        assert isinstance(p.cents, int) and p.cents > 0 and 1 <= p.month <= 6
        paid[(p.redevable_id, p.product)] += p.cents
    dues = {(m.redevable_id, prod): d for m in sim.members for prod, d in m.baselines.items()}
    assert all(paid[k] <= dues[k] for k in paid)
    for pp in sim.pre_period:  # the pre-period ends at the due at publication
        assert pp.due_cents - pp.recovered_cents == dues[(pp.redevable_id, pp.product)] and pp.recovered_cents >= 0


def test_outcomes_carry_every_payment_and_the_pre_period():
    sim = simulate(members(10), seed=5, months=3)
    outs = sim.outcomes()
    assert len(outs) == 40 and all(len(o.recovered_cents_by_month) == 3 for o in outs)
    assert sum(sum(o.recovered_cents_by_month) for o in outs) == sum(p.cents for p in sim.payments)
    assert all(o.pre_due_cents is not None for o in outs)
    assert all(o.pre_due_cents is None for o in sim.outcomes(with_pre_period=False))


def test_estimator_finds_the_truth_on_a_large_panel():
    # 4 000 debtors per group, equal dues: the estimate lands within its CI of the known truth
    ev = evaluate(simulate(members(4000), seed=11).outcomes())
    sim_truth = simulate(members(1), seed=11).true_difference
    for p in ev.products:
        d = p.difference
        assert d.ci_low <= sim_truth[p.product] <= d.ci_high, p.product
        assert abs(d.estimate - sim_truth[p.product]) < 0.03
        control_rate = expected_rate(DEFAULT_MODEL, p.product, 12, treated=False)
        assert abs(p.control.rate - control_rate) < 3 * p.control.std_error
    assert ev.product("amendes").difference.significant


def test_bad_members_are_refused_in_french():
    bad = [SimulationMember(1, T, {"impots": -5, "taxe": 10}), SimulationMember(1, C, {})]
    with pytest.raises(InputError) as e:
        simulate(bad, seed=1, months=0)
    msg = str(e.value)
    for fragment in ("au moins 1", "montant dû négatif", "« taxe » absent du modèle", "présent deux fois"):
        assert fragment in msg
    degenerate = SimulationModel({"impots": ProductModel(0.5, 0.0, 1.0)}, (DebtorType("tous", 1.0, 1.0),))
    with pytest.raises(InputError, match="part payée hors de"):
        simulate(members(1, {"impots": 100}), seed=1, model=degenerate)
