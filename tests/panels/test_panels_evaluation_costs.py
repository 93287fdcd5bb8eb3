"""Cost side: acts per group and per euro recovered, time to first payment with its CI."""

import pytest

from panels import Group, InputError, MemberActivity, MemberOutcome, compare_costs

T, C = Group.PANEL, Group.CONTROL


def test_acts_per_euro_and_median_delay_by_hand():
    acts = [MemberActivity(k, T, a, d) for k, a, d in [(1, 2, 10), (2, 2, 20), (3, 3, None), (4, 0, 30), (5, 1, 40)]]
    acts += [MemberActivity(k, C, 1, None) for k in range(6, 26)]
    outcomes = [MemberOutcome(1, T, "amendes", 100_000, (40_000,)), MemberOutcome(6, C, "impots", 100, (0,))]
    outcomes.append(MemberOutcome(99, T, "amendes", 100_000, (99_999,)))  # no activity row: not counted
    cmp = compare_costs(acts, outcomes)
    t = cmp.treated
    assert (t.n, t.acts, t.acts_per_debtor, t.recovered_cents) == (5, 8, 1.6, 40_000)
    assert t.acts_per_euro == pytest.approx(8 / 400)
    assert t.paid_share == pytest.approx(0.8)
    assert t.median_days_to_first_payment == 30  # of 10, 20, 30, 40, never
    assert t.median_ci_low is None and t.median_ci_high is None  # 5 debtors: no 95 % interval
    c = cmp.control
    assert c.recovered_cents == 0 and c.acts_per_euro is None and c.median_days_to_first_payment is None
    text = "\n".join(cmp.phrases)
    assert "Groupe traité : 8 actes pour 5 redevables (1,6 par redevable), 20,0 actes pour 1 000 € recouvrés" in text
    assert "80,0 % ont payé quelque chose ; délai médian avant le premier paiement 30 jours" in text
    assert "Groupe témoin : 20 actes" in text and "plus de la moitié n'a rien payé" in text
    assert cmp.to_dict()["treated"]["acts"] == 8


def test_median_ci_on_twenty_debtors():
    acts = [MemberActivity(k, T, 1, k) for k in range(1, 21)]
    t = compare_costs(acts, []).treated
    assert (t.median_days_to_first_payment, t.median_ci_low, t.median_ci_high) == (10.5, 6, 15)


def test_small_group_hidden_and_bad_input_refused():
    cmp = compare_costs([MemberActivity(k, T, 1, 1) for k in range(1, 5)], [])
    assert cmp.treated.n is None and cmp.treated.acts is None and cmp.treated.reason == "effectif trop faible"
    assert "effectif trop faible" in cmp.phrases[0]
    with pytest.raises(InputError) as e:
        compare_costs([MemberActivity(1, T, -1, -3), MemberActivity(1, C, 0, None)], [])
    msg = str(e.value)
    assert "nombre d'actes négatif" in msg and "avant la publication" in msg and "présent deux fois" in msg
