"""evaluate(): hand-checked rates, jackknife CIs, DiD, curves, small groups, pooled, JSON shape."""

import json
import math

import numpy as np
import pytest

from panels import Group, InputError, MemberOutcome, evaluate
from panels.evaluation_stats import change_of_ratio, effective_df, median_with_ci, rate_interval, ratio, t_quantile

T, C = Group.PANEL, Group.CONTROL
Z = 1.959964
# Treated 1..5 owe 100 each; control 6..10 owe 200 each; recovered in months 1 and 2 after publication.
TREATED = {1: (10, 0), 2: (0, 20), 3: (30, 10), 4: (0, 0), 5: (50, 50)}
CONTROL = {6: (0, 10), 7: (20, 0), 8: (0, 0), 9: (10, 10), 10: (0, 50)}
# Jackknife by hand. Treated: leave-one-out rates (170 − yᵢ)/400 = .4 .375 .325 .425 .175, mean .34;
# uᵢ² = 4/5 · dev² = .00288 .00098 .00018 .00578 .02178, Σ = .0316, Σuᵢ⁴ = .000517064.
# Control: (100 − yᵢ)/800 = .1125 .1 .125 .1 .0625, mean .1; uᵢ² = .000125 0 .0005 0 .001125, Σ = .00175,
# Σuᵢ⁴ = .00000153125.
VAR_T, VAR_C = 0.0316, 0.00175
FOURTH_T, FOURTH_C = 0.000517064, 0.00000153125


def rows(product="impots", pre=False):
    out = [MemberOutcome(r, T, product, 100, m, 100 if pre else None, 20 if pre else None) for r, m in TREATED.items()]
    out += [MemberOutcome(r, C, product, 200, m, 200 if pre else None, 20 if pre else None) for r, m in CONTROL.items()]
    return out


def test_jackknife_ratio_by_hand():
    r = ratio(np.array([100, 100, 200]), np.array([50, 30, 40]))
    # leave-one-out: 70/300, 90/300, 80/200; mean .31111; Σdev² = .0140741, × 2/3 = .0093827
    assert r.rate == pytest.approx(0.3) and r.std_error == pytest.approx(math.sqrt(0.0093827), rel=1e-4)
    assert ratio(np.array([0, 0]), np.array([0, 0])) is None


def test_rates_difference_and_ci_by_hand():
    ev = evaluate(rows())
    (imp,) = ev.products
    assert (imp.treated.n, imp.treated.baseline_cents, imp.treated.recovered_cents) == (5, 500, 170)
    assert (imp.control.n, imp.control.baseline_cents, imp.control.recovered_cents) == (5, 1000, 100)
    assert imp.treated.rate == pytest.approx(0.34) and imp.control.rate == pytest.approx(0.1)
    assert imp.treated.std_error == pytest.approx(math.sqrt(VAR_T))
    # a group's interval is on the logit scale with Student's quantile at df = 3·.0316²/.000517064 = 5.79
    df_t = 3 * VAR_T**2 / FOURTH_T
    assert df_t == pytest.approx(5.7937, abs=1e-3)
    half = t_quantile(0.95, df_t) * math.sqrt(VAR_T) / (0.34 * 0.66)
    logit = math.log(0.34 / 0.66)
    expected = (1 / (1 + math.exp(half - logit)), 1 / (1 + math.exp(-logit - half)))
    assert (imp.treated.ci_low, imp.treated.ci_high) == pytest.approx(expected, abs=1e-6)
    assert 0 < imp.treated.ci_low < 0.34 < imp.treated.ci_high < 1
    se = math.sqrt(VAR_T + VAR_C)
    df = 3 * (VAR_T + VAR_C) ** 2 / (FOURTH_T + FOURTH_C)  # 6.43: both groups' terms, Satterthwaite
    assert df == pytest.approx(6.434, abs=1e-3)
    q = t_quantile(0.95, df)
    assert imp.difference.estimate == pytest.approx(0.24)
    assert (imp.difference.ci_low, imp.difference.ci_high) == pytest.approx((0.24 - q * se, 0.24 + q * se), abs=1e-6)
    assert not imp.difference.significant
    assert imp.mde == pytest.approx(2.801585 * se, abs=1e-5)  # (z .975 + z .80) · se
    wider = evaluate(rows(), confidence=0.99).products[0].difference
    assert wider.ci_low < imp.difference.ci_low and wider.ci_high > imp.difference.ci_high


def test_cumulative_curves_by_month():
    months = evaluate(rows()).products[0].months
    assert [m.month for m in months] == [1, 2]
    assert months[0].treated_rate == pytest.approx(90 / 500) and months[0].control_rate == pytest.approx(30 / 1000)
    assert months[1].treated_rate == pytest.approx(0.34) and months[1].control_rate == pytest.approx(0.1)
    # the last point is the group's rate with the same band
    ev = evaluate(rows()).products[0]
    assert months[1].treated_low == pytest.approx(ev.treated.ci_low) and months[1].control_high == pytest.approx(
        ev.control.ci_high
    )
    # month 1, treated: leave-one-out (90 − y₁ᵢ)/400 = .2 .225 .15 .225 .1, mean .18, Σdev² = .01175;
    # uᵢ² = .00032 .00162 .00072 .00162 .00512, Σ = .0094, Σuᵢ⁴ = .000032084
    q = t_quantile(0.95, effective_df(0.0094, 0.000032084))
    expected = rate_interval(0.18, math.sqrt(0.0094), q)
    assert (months[0].treated_low, months[0].treated_high) == pytest.approx(expected, abs=1e-6)
    assert months[0].treated_high - 0.18 > 0.18 - months[0].treated_low > 0  # skewed to the right, above 0


def test_difference_in_differences_by_hand_and_reason_when_no_pre_period():
    imp = evaluate(rows()).products[0]
    assert imp.did is None and imp.did_reason == "aucune donnée sur les 12 mois précédant la publication"
    with_pre = evaluate(rows(pre=True)).products[0]
    # pre rates: treated 100/500 = .2, control 100/1000 = .1; DiD = (.34 − .2) − (.1 − .1)
    assert with_pre.did.estimate == pytest.approx(0.14)
    # every debtor's pre share is the same, so the pre part adds no variance: se as the difference's
    assert with_pre.did.std_error == pytest.approx(math.sqrt(VAR_T + VAR_C))
    assert with_pre.did.ci_high - with_pre.did.estimate == pytest.approx(
        imp.difference.ci_high - imp.difference.estimate
    )
    assert with_pre.did_reason is None


def test_student_quantile_against_the_table():
    for df, table in ((2, 4.303), (5, 2.571), (10, 2.228), (30, 2.042), (120, 1.980)):
        assert t_quantile(0.95, df) == pytest.approx(table, rel=0.01 if df == 2 else 1e-3)
    assert t_quantile(0.95, math.inf) == pytest.approx(Z, abs=1e-6)
    assert effective_df(4.0, 0.0) == math.inf
    # one debtor carrying all the variance: one term, df = 3 → a wide Student quantile
    assert effective_df(0.01, 0.0001) == pytest.approx(3)


def test_rate_interval_stays_inside_zero_one():
    lo, hi = rate_interval(0.02, 0.03, 1.96)
    assert 0 < lo < 0.02 < hi < 1  # the plain interval would go below zero
    assert rate_interval(0.0, 0.0, 1.96) == (0.0, 0.0)


def test_change_of_ratio_keeps_debtors_paired():
    x, y = np.array([100.0, 200, 300, 400]), np.array([10.0, 80, 30, 200])
    est, se, _ = change_of_ratio(x, y, x, y)  # same amounts before and after: no change, no uncertainty
    assert est == 0 and se == pytest.approx(0)
    assert change_of_ratio(x, y, np.zeros(4), np.zeros(4)) is None


def test_small_group_is_not_shown_and_left_out_of_the_pooled_figure():
    data = rows() + [MemberOutcome(r, T, "amendes", 1000, (500, 500)) for r in (1, 2, 3, 4)]
    data += [MemberOutcome(r, C, "amendes", 300, (0, 0)) for r in CONTROL]
    ev = evaluate(data)
    am = ev.product("amendes")
    assert am.treated.n is None and am.treated.rate is None and am.treated.recovered_cents is None
    assert am.treated.reason == "effectif trop faible"
    assert am.control.n == 5  # the other group is still shown
    assert am.difference.estimate is None and am.difference.reason == "effectif trop faible"
    assert am.did is None and am.did_reason == "effectif trop faible" and am.months == () and am.mde is None
    assert any("effectif trop faible" in p for p in am.phrases)
    # pooled = impôts only: the hidden amendes cannot be read back by subtraction
    assert ev.pooled.treated.baseline_cents == 500 and ev.pooled.control.baseline_cents == 1000
    assert "4000" not in json.dumps(am.to_dict()) and "2000" not in json.dumps(am.to_dict())


def test_pooled_is_clustered_by_debtor():
    data = rows() + [MemberOutcome(r, T, "hopital", 100, (100, 0)) for r in TREATED]
    data += [MemberOutcome(r, C, "hopital", 100, (0, 0)) for r in CONTROL]
    ev = evaluate(data)
    assert [p.product for p in ev.products] == ["impots", "hopital"]
    pooled = ev.pooled
    assert pooled.treated.n == 5 and pooled.control.n == 5  # debtors, not rows
    assert pooled.treated.rate == pytest.approx(670 / 1000) and pooled.control.rate == pytest.approx(100 / 1500)
    # per debtor (due 200, recovered yᵢ + 100): leave-one-out (670 − yᵢ − 100)/800
    loo = np.array([(570 - y) / 800 for y in (10, 20, 40, 0, 100)])
    assert pooled.treated.std_error == pytest.approx(math.sqrt(0.8 * ((loo - loo.mean()) ** 2).sum()))


def test_rows_of_one_debtor_and_product_are_summed():
    data = rows()
    data[0] = MemberOutcome(1, T, "impots", 60, (10, 0))
    data.append(MemberOutcome(1, T, "impots", 40, (0, 0)))
    assert evaluate(data).products[0].treated.to_dict() == evaluate(rows()).products[0].treated.to_dict()


def test_zero_due_rows_do_not_count():
    data = rows() + [MemberOutcome(99, T, "impots", 0, (5, 5))]
    assert evaluate(data).products[0].treated.n == 5


def test_json_shape_the_cli_prints():
    d = json.loads(json.dumps(evaluate(rows(pre=True)).to_dict()))
    (p,) = d["products"]
    assert p["product"] == "impots"
    for g in ("treated", "control"):
        assert {"n", "baseline_cents", "recovered_cents", "rate", "ci_low", "ci_high"} <= set(p[g])
    for contrast in ("difference", "did"):
        assert {"estimate", "ci_low", "ci_high"} <= set(p[contrast])
    assert set(p["months"][0]) == {
        "month", "treated_rate", "treated_low", "treated_high", "control_rate", "control_low", "control_high"
    }
    assert 0 <= p["treated"]["rate"] <= 1  # a fraction, not a percentage
    assert d["pooled"]["product"] == "ensemble"
    assert evaluate([]).to_dict() == {"confidence": 0.95, "products": [], "pooled": None}


def test_phrases_in_french():
    imp = evaluate(rows(pre=True)).products[0]
    text = "\n".join(imp.phrases)
    assert "Groupe traité : 5 redevables devaient 5 € à la publication ; 34,0 % de cette somme" in text
    assert "en 2 mois" in text
    assert "Écart de taux traités − témoins : +24,0 points" in text
    assert "ne permettent pas de conclure" in text and "au moins 51,2 points" in text
    assert "Double différence" in text and "+14,0 points" in text
    big = [MemberOutcome(r, T, "amendes", 100, (80,)) for r in range(1, 11)]
    big += [MemberOutcome(r, C, "amendes", 100, (10 + r % 2,)) for r in range(11, 21)]
    sig = evaluate(big).products[0]
    assert sig.difference.significant and any("a amélioré le recouvrement" in p for p in sig.phrases)


def test_bad_input_lists_every_problem_in_french():
    data = [
        MemberOutcome(1, T, "taxe", 100, (0, 0)),
        MemberOutcome(2, T, "impots", -1, (0, 0)),
        MemberOutcome(3, T, "impots", 100, (0,)),
        MemberOutcome(4, T, "impots", 100, (0, 0), 50, None),
        MemberOutcome(5, T, "impots", 100, (0, 0)),
        MemberOutcome(5, C, "amendes", 100, (0, 0)),
    ]
    with pytest.raises(InputError) as e:
        evaluate(data)
    msg = str(e.value)
    assert msg.startswith("Données d'évaluation invalides")
    for fragment in (
        "redevable 1 (taxe) : produit inconnu",
        "redevable 2 (impots) : montant négatif",
        "durées d'observation différentes",
        "redevable 4 (impots) : période antérieure incomplète",
        "redevable 5 : à la fois traité et témoin",
    ):
        assert fragment in msg
    with pytest.raises(ValueError, match="niveau de confiance"):
        evaluate(rows(), confidence=1.0)


def test_median_with_exact_order_statistic_ci():
    assert median_with_ci(list(range(1, 21))) == (10.5, 6, 15)  # P(B ≤ 5) = .0207 ≤ .025 < P(B ≤ 6)
    assert median_with_ci([1, 2, 3, 4, 5]) == (3, None, None)  # 5 values: no 95 % interval exists
    inf = math.inf
    assert median_with_ci([1.0] * 8 + [inf] * 12) == (None, 1.0, None)  # more than half never paid
    assert median_with_ci([]) == (None, None, None)


def test_points_in_french():
    from panels.evaluation_text import percent, points

    assert points(0.052) == "+5,2 points" and points(-0.011) == "−1,1 point" and points(0.0) == "+0,0 point"
    assert points(-0.2, signed=False) == "20,0 points" and percent(0.2346) == "23,5 %"
