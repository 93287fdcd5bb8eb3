"""Evaluation service on each database: baseline frozen at publication, outcomes read from the
imputed payments (before and after publication), remises and arrivals counted apart, small groups
hidden, and the demo chain (simulated payments through the payment service) read back exactly."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select

import panels as lib
from mrf.demo.evaluation import simulate_panel
from mrf.extensions import db
from mrf.models import Panel, PanelBaseline
from mrf.models.evaluation import BaselineImmutable
from mrf.services.errors import Conflit, Introuvable, Refus
from mrf.services.evaluation import service
from mrf.services.evaluation.baseline import record_baseline
from mrf.services.evaluation.resultats import add_months, months_observed, read_observation
from mrf.services.panels.composition import show_panel
from mrf.services.poursuites.demandes import decide_request, record_request
from mrf.services.poursuites.paiements import record_payment, reverse_payment
from panels.evaluation_simulation import expected_rate

PUBLISHED = date(2026, 1, 15)
AS_OF = date(2026, 7, 20)


@pytest.fixture
def small(eval_world):  # noqa: ANN001, ANN201
    """Two treated (A: impôt, B: amende), two control (C, D: impôts); payments before and after publication."""
    a, a_ids = eval_world.debtor(impots=110_000)
    b, b_ids = eval_world.debtor(amendes=50_000)
    c, c_ids = eval_world.debtor(impots=80_000)
    d, d_ids = eval_world.debtor(impots=60_000)
    record_payment(a, 10_000, date(2025, 6, 1), creance_ids=[a_ids["impots"]])  # pre-period
    eval_world.panel("eval-petit", [a, b], [c, d], PUBLISHED)
    record_payment(a, 20_000, date(2026, 3, 1), creance_ids=[a_ids["impots"]])  # month 2
    record_payment(b, 5_000, date(2026, 1, 20), creance_ids=[b_ids["amendes"]])  # month 1
    late = eval_world.arrival(b, "amendes", 30_000)
    record_payment(b, 3_000, date(2026, 2, 1), creance_ids=[late])  # on an arrival: not counted
    request = record_request(c, "remise_gracieuse", [c_ids["impots"]], received_on=date(2026, 2, 1))
    decide_request(request.id, "acceptee", date(2026, 2, 10), amount_cents=5_000)  # a remise: not recovered
    wrong = record_payment(d, 4_000, date(2026, 4, 1), creance_ids=[d_ids["impots"]])
    reverse_payment(wrong.id, date(2026, 5, 10), reason="chèque rejeté")  # nets in month 3
    record_payment(d, 6_000, date(2026, 7, 1), creance_ids=[d_ids["impots"]])  # month 6
    return {"a": a, "b": b, "c": c, "d": d}


def _panel() -> Panel:
    with db.new_session() as s:
        return s.scalar(select(Panel).where(Panel.name == "eval-petit"))


def test_months_arithmetic() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -12) == date(2025, 1, 15)
    assert months_observed(PUBLISHED, AS_OF) == 6
    assert months_observed(PUBLISHED, date(2026, 1, 20)) == 1  # the month under way


def test_baseline_frozen_at_publication_for_every_member(small) -> None:  # noqa: ANN001
    with db.new_session() as s:
        rows = {(r.redevable_id, r.category): r.amount_cents for r in s.scalars(select(PanelBaseline))}
    assert rows == {(small["a"], "impots"): 100_000, (small["b"], "amendes"): 50_000,
                    (small["c"], "impots"): 80_000, (small["d"], "impots"): 60_000}
    members = {m["redevable_id"]: m for m in show_panel("eval-petit")["members"]}
    assert members[small["a"]]["baseline"] == {"impots": 100_000}
    assert members[small["c"]]["baseline"] == {"impots": 80_000}  # control members too
    assert members[small["b"]]["arrivals"] == {"amendes": 27_000}  # recorded apart, baseline unchanged
    assert members[small["b"]]["baseline"] == {"amendes": 50_000}


def test_baseline_is_never_updated_nor_redone(small) -> None:  # noqa: ANN001
    with pytest.raises(BaselineImmutable), db.transaction() as s:
        row = s.scalar(select(PanelBaseline).where(PanelBaseline.redevable_id == small["a"]))
        row.amount_cents = 1
    with pytest.raises(Conflit), db.transaction() as s:
        record_baseline(s, _panel().id)
    with db.new_session() as s:
        assert s.scalar(select(PanelBaseline.amount_cents).where(PanelBaseline.redevable_id == small["a"])) == 100_000


def test_outcomes_count_imputed_payments_only(small) -> None:  # noqa: ANN001
    with db.new_session() as s:
        obs = read_observation(s, _panel(), AS_OF)
    assert obs.months == 6 and obs.published_on == PUBLISHED
    got = {(o.redevable_id, o.product): o for o in obs.outcomes}
    a, b, c, d = (got[(small["a"], "impots")], got[(small["b"], "amendes")], got[(small["c"], "impots")],
                  got[(small["d"], "impots")])
    assert (a.group, a.baseline_cents, a.recovered_cents_by_month) == (lib.Group.PANEL, 100_000,
                                                                        (0, 20_000, 0, 0, 0, 0))
    assert (a.pre_due_cents, a.pre_recovered_cents) == (110_000, 10_000)  # the payment before publication
    assert b.recovered_cents_by_month == (5_000, 0, 0, 0, 0, 0)  # the arrival's payment is not counted
    assert (b.pre_due_cents, b.pre_recovered_cents) == (50_000, 0)
    assert c.group is lib.Group.CONTROL and sum(c.recovered_cents_by_month) == 0  # the remise is no recovery
    assert (c.pre_due_cents, c.pre_recovered_cents) == (80_000, 0)
    assert d.recovered_cents_by_month == (0, 0, 0, 0, 0, 6_000)  # the reversed payment nets to zero
    assert obs.apart[("control", "impots")]["remises_cents"] == 5_000
    assert obs.apart[("panel", "amendes")]["arrivals"] == 1
    assert obs.apart[("panel", "amendes")]["arrivals_cents"] == 27_000


def test_small_groups_are_not_shown(small) -> None:  # noqa: ANN001, ARG001
    result = service.evaluate_panel("eval-petit", AS_OF)
    assert result["panel"] == "eval-petit" and result["months_observed"] == 6
    assert [p["product"] for p in result["products"]] == ["impots", "amendes"]
    for p in result["products"]:
        for key in ("treated", "control"):
            assert p[key]["n"] is None and p[key]["rate"] is None and p[key]["reason"] == "effectif trop faible"
        assert p["difference"]["estimate"] is None and p["did"] is None and p["months"] == []
    assert result["apart"]["impots"]["control"]["remises_cents"] is None  # hidden with its group


def test_unknown_or_draft_panel_is_refused(eval_world) -> None:  # noqa: ANN001
    with pytest.raises(Introuvable, match="Panel inconnu"):
        service.evaluate_panel("absent")
    with db.transaction() as s:
        s.add(Panel(name="brouillon-eval", configuration=1, criteria_toml="", seed=1, status="brouillon", report={}))
    with pytest.raises(Refus, match="n'est pas publié"):
        service.evaluate_panel("brouillon-eval")


def test_demo_chain_reads_back_the_simulated_payments(eval_world) -> None:  # noqa: ANN001
    treated = [eval_world.debtor(impots=40_000 + 1_000 * k, amendes=20_000 + 500 * k)[0] for k in range(6)]
    control = [eval_world.debtor(impots=45_000 + 1_000 * k, amendes=15_000 + 700 * k)[0] for k in range(6)]
    eval_world.panel("eval-demo", treated, control)
    today = date(2026, 11, 23)
    truth = simulate_panel("eval-demo", seed=7, months=12, today=today)
    exact = {p: expected_rate(lib.DEFAULT_MODEL, p, 12, treated=True) - expected_rate(lib.DEFAULT_MODEL, p, 12,
                                                                                      treated=False)
             for p in ("impots", "amendes")}
    assert truth == pytest.approx(exact, abs=1e-6) and truth["amendes"] > truth["impots"] > 0
    members = [lib.SimulationMember(rid, lib.Group.PANEL if rid in treated else lib.Group.CONTROL,
                                    {"impots": 40_000 + 1_000 * k, "amendes": 20_000 + 500 * k} if rid in treated
                                    else {"impots": 45_000 + 1_000 * (k - 6), "amendes": 15_000 + 700 * (k - 6)})
               for k, rid in enumerate(treated + control)]
    expected: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * 12)
    for p in lib.simulate(members, seed=7, months=12).payments:
        expected[(p.redevable_id, p.product)][p.month - 1] += p.cents
    with db.new_session() as s:
        panel = s.scalar(select(Panel).where(Panel.name == "eval-demo"))
        obs = read_observation(s, panel, today)
    assert obs.published_on == date(2025, 11, 23) and obs.months == 12
    assert {(o.redevable_id, o.product): list(o.recovered_cents_by_month) for o in obs.outcomes} == {
        (o.redevable_id, o.product): expected[(o.redevable_id, o.product)] for o in obs.outcomes}
    assert sum(sum(v) for v in expected.values()) > 0
    result = service.evaluate_panel("eval-demo", today)
    amendes = next(p for p in result["products"] if p["product"] == "amendes")
    assert amendes["treated"]["n"] == 6 and len(amendes["months"]) == 12
    assert amendes["difference"]["ci_low"] <= amendes["difference"]["estimate"] <= amendes["difference"]["ci_high"]
