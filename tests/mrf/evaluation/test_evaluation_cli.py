"""``mrf evaluation show|export`` and ``mrf panel show --json``'s baseline, on each database."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from mrf.demo.evaluation import simulate_panel

TODAY = date(2026, 11, 23)
GROUP_KEYS = {"n", "baseline_cents", "recovered_cents", "rate", "ci_low", "ci_high"}
CONTRAST_KEYS = {"estimate", "ci_low", "ci_high"}


@pytest.fixture
def demo_panel(eval_world):  # noqa: ANN001, ANN201
    treated = [eval_world.debtor(impots=30_000 + 2_000 * k, amendes=12_000 + 900 * k)[0] for k in range(7)]
    control = [eval_world.debtor(impots=35_000 + 1_500 * k, amendes=10_000 + 800 * k)[0] for k in range(7)]
    eval_world.panel("eval-cli", treated, control)
    simulate_panel("eval-cli", seed=11, months=12, today=TODAY)
    return "eval-cli"


def test_show_json_keys(cli, demo_panel) -> None:  # noqa: ANN001
    out = cli.invoke(args=["evaluation", "show", demo_panel, "--json", "--as-of", TODAY.isoformat()])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["panel"] == demo_panel and [p["product"] for p in data["products"]] == ["impots", "amendes"]
    for p in data["products"]:
        assert GROUP_KEYS <= set(p["treated"]) and GROUP_KEYS <= set(p["control"])
        assert p["treated"]["n"] == 7 and 0 <= p["treated"]["rate"] <= 1  # fractions
        assert CONTRAST_KEYS <= set(p["difference"])
        # the créances were in the database 12 months before publication, with nothing paid then: the
        # pre-period rates are 0 in both groups and the difference-in-differences is the difference
        assert CONTRAST_KEYS <= set(p["did"]) and p["did_reason"] is None
        assert p["did"]["estimate"] == pytest.approx(p["difference"]["estimate"], abs=1e-6)
        assert len(p["months"]) == 12
        assert p["months"][-1]["treated_rate"] == pytest.approx(p["treated"]["rate"], abs=1e-6)
        rates = [m["control_rate"] for m in p["months"]]
        assert rates == sorted(rates)  # cumulative
    every = json.loads(cli.invoke(args=["evaluation", "show", "--all", "--json"]).stdout)
    assert isinstance(every, list) and [r["panel"] for r in every] == [demo_panel]


def test_panels_together_are_one_sample(cli, eval_world) -> None:  # noqa: ANN001
    """--ensemble: both panels' members in one estimate (n adds up), each panel's units kept apart."""
    for name, seed in (("eval-a", 11), ("eval-b", 12)):
        treated = [eval_world.debtor(impots=30_000 + 2_000 * k, amendes=12_000)[0] for k in range(6)]
        control = [eval_world.debtor(impots=35_000 + 1_500 * k, amendes=10_000)[0] for k in range(6)]
        eval_world.panel(name, treated, control)
        simulate_panel(name, seed=seed, months=12, today=TODAY)
    args = ["evaluation", "show", "--json", "--as-of", TODAY.isoformat()]
    alone = {name: json.loads(cli.invoke(args=[*args[:2], name, *args[2:]]).stdout) for name in ("eval-a", "eval-b")}
    out = cli.invoke(args=[*args, "--ensemble"])
    assert out.exit_code == 0, out.output
    together = json.loads(out.stdout)
    assert together["panel"] == "ensemble" and together["panels"] == ["eval-a", "eval-b"]
    for entry in together["products"]:
        parts = [next(p for p in alone[n]["products"] if p["product"] == entry["product"]) for n in alone]
        for group in ("treated", "control"):
            assert entry[group]["n"] == sum(p[group]["n"] for p in parts) == 12
            assert entry[group]["baseline_cents"] == sum(p[group]["baseline_cents"] for p in parts)
            assert entry[group]["recovered_cents"] == sum(p[group]["recovered_cents"] for p in parts)
    refused = cli.invoke(args=["evaluation", "show", "eval-a", "--ensemble"])
    assert refused.exit_code == 2 and "--ensemble" in refused.stderr
    text = cli.invoke(args=["evaluation", "show", "--ensemble", "--as-of", TODAY.isoformat()])
    assert "Évaluation de l'ensemble des panels (eval-a, eval-b)" in text.stdout


def test_a_closed_panel_is_observed_until_its_closure(cli, demo_panel) -> None:  # noqa: ANN001
    from datetime import datetime

    from sqlalchemy import update

    from mrf.extensions import db
    from mrf.models import Panel

    args = ["evaluation", "show", demo_panel, "--json", "--as-of", TODAY.isoformat()]
    assert json.loads(cli.invoke(args=args).stdout)["months_observed"] == 12
    with db.transaction() as s:
        published = s.scalar(update(Panel).where(Panel.name == demo_panel)
                             .values(status="clos").returning(Panel.published_at))
        s.execute(update(Panel).where(Panel.name == demo_panel).values(
            closed_at=datetime(published.year + (published.month + 5) // 12, (published.month + 5) % 12 + 1,
                               min(published.day, 28))))
    assert json.loads(cli.invoke(args=args).stdout)["months_observed"] < 12


def test_show_text_is_french(cli, demo_panel) -> None:  # noqa: ANN001
    out = cli.invoke(args=["evaluation", "show", demo_panel, "--as-of", TODAY.isoformat()])
    assert out.exit_code == 0
    assert "Écart de taux traités − témoins" in out.stdout and "12 mois observés" in out.stdout


def test_unknown_panel_exits_2(cli, eval_world) -> None:  # noqa: ANN001, ARG001
    out = cli.invoke(args=["evaluation", "show", "inconnu", "--json"])
    assert out.exit_code == 2 and "Panel inconnu : « inconnu »" in out.stderr and out.stdout == ""
    out = cli.invoke(args=["evaluation", "export", "inconnu", "--out", "/tmp/nulle-part"])
    assert out.exit_code == 2 and "Panel inconnu" in out.stderr


def test_export_writes_parseable_csv(cli, demo_panel, tmp_path) -> None:  # noqa: ANN001
    out = cli.invoke(args=["evaluation", "export", demo_panel, "--out", str(tmp_path / "csv"),
                           "--as-of", TODAY.isoformat()])
    assert out.exit_code == 0, out.output
    table = list(csv.DictReader(io.StringIO((tmp_path / "csv" / f"evaluation-{demo_panel}-tableau.csv")
                                            .read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [r["produit"] for r in table] == ["impots", "amendes", "ensemble"]
    assert all(0 <= float(r["traites_taux"]) <= 1 and int(r["traites_redevables"]) == 7 for r in table)
    curves = list(csv.DictReader(io.StringIO((tmp_path / "csv" / f"evaluation-{demo_panel}-courbes.csv")
                                             .read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(curves) == 3 * 12 and {r["mois"] for r in curves} == {str(k) for k in range(1, 13)}


def test_panel_show_json_has_baseline_per_member(cli, demo_panel) -> None:  # noqa: ANN001
    out = cli.invoke(args=["panel", "show", demo_panel, "--json"])
    assert out.exit_code == 0, out.output
    members = json.loads(out.stdout)["members"]
    assert len(members) == 14 and all(set(m["baseline"]) == {"impots", "amendes"} for m in members)
    assert {m["group"] for m in members} == {"panel", "control"}
    assert sorted(m["baseline"]["amendes"] for m in members if m["group"] == "panel") == [
        12_000 + 900 * k for k in range(7)]
