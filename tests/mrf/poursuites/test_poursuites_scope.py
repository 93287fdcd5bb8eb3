"""Issue 17: the assigned structure pursues only its configuration's créances; a témoin stays in the
usual circuit (plan per office, no act across offices, treatment actions refused and audited)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Acte, ActeLine, AuditLog, Creance, Structure
from mrf.services.poursuites import actes as service
from mrf.services.poursuites.perimetre import RefusTraitement, SatdMemeJour

from mrf_poursuites_world import ON
from mrf_scope_world import add_hospital_debt, add_mixed_structure, publish

DATE = ON.strftime("%d/%m/%Y")


def plan_json(cli, rid: int) -> dict:  # noqa: ANN001
    result = cli.invoke(args=["plan", str(rid), "--json", "--date", DATE])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def acts_of(rid: int) -> list[tuple[str, set[str]]]:
    """(structure code of the act, structure codes of the créances' source records) per SATD act."""
    with db.new_session() as s:
        codes = {sid: code for sid, code in s.execute(select(Structure.id, Structure.code))}
        out = []
        for acte in s.scalars(select(Acte).where(Acte.redevable_id == rid).order_by(Acte.id)):
            origins = {codes[c.structure_id] for c in s.scalars(
                select(Creance).join(ActeLine, ActeLine.creance_id == Creance.id).where(ActeLine.acte_id == acte.id))}
            out.append((codes[acte.structure_id], origins))
        return out


def test_configuration_2_takes_amendes_and_hospital_debts_only(world, cli):
    add_mixed_structure()
    d = world.debtor(assigned=None)
    add_hospital_debt(world, d)
    publish(world, "mrf-c2-test", 2, [(d, "panel", "TM-89")])
    data = plan_json(cli, d.id)
    assert data["group"] == "panel" and data["group_label"] == "Traité (panel mrf-c2-test, configuration 2)"
    by_id = {c["id"]: c for c in data["creances"]}
    expected = {"impots": ("impots", "SIP-AUXERRE", "SIP-AUXERRE"), "amendes": ("amendes", "TM-89", "TA-89"),
                "local": ("secteur_local", "SPL-AUXERRE", "SPL-AUXERRE"),
                "hopital": ("hopital", "TM-89", "SPL-AUXERRE")}
    for key, (category, comptable, origine) in expected.items():
        c = by_id[d.creances[key]]
        assert (c["category"], c["comptable"], c["comptable_origine"]) == (category, comptable, origine), key
        assert c["in_scope"] is (comptable == "TM-89")
    # the plan's steps are split per comptable: the joint SATD of TM-89 covers the amende and the hospital debt
    for step in data["steps"]:
        assert len({by_id[cid]["comptable"] for cid in step["creance_ids"]}) == 1
        assert step["comptable"] == by_id[step["creance_ids"][0]]["comptable"]
    tm = [s for s in data["steps"] if s["comptable"] == "TM-89" and s["action"] == "satd_banque"]
    assert len(tm) == 1 and sorted(tm[0]["creance_ids"]) == sorted([d.creances["amendes"], d.creances["hopital"]])


def test_configuration_3_leaves_the_water_bill_with_its_office_which_keeps_acting(world):
    d = world.debtor(assigned=None)
    publish(world, "mrf-c3-test", 3, [(d, "panel", "TA-89")])
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON, "TA-89")
    assert docs
    assert acts_of(d.id) == [("TA-89", {"SIP-AUXERRE", "TA-89"})]
    # the commune's office keeps its créance; same tiers on the same day: coordinated, the next day it is free
    with pytest.raises(SatdMemeJour, match="même tiers le même jour"):
        service.issue_satd(d.id, d.tiers["banque"], None, ON, "SPL-AUXERRE")
    assert len(acts_of(d.id)) == 1
    service.issue_satd(d.id, d.tiers["banque"], None, ON.replace(day=ON.day + 1), "SPL-AUXERRE")
    assert acts_of(d.id)[1] == ("SPL-AUXERRE", {"SPL-AUXERRE"})


def test_plan_of_a_later_creance_routes_it_by_the_same_rule(world, cli):
    d = world.debtor(assigned=None, amendes=0, local=0)
    publish(world, "mrf-c2-later", 2, [(d, "panel", "TA-89")])
    assert {c["comptable"] for c in plan_json(cli, d.id)["creances"]} == {"SIP-AUXERRE"}  # impôt: outside config 2
    add_hospital_debt(world, d)  # arrives after publication
    by_id = {c["id"]: c for c in plan_json(cli, d.id)["creances"]}
    assert by_id[d.creances["hopital"]]["comptable"] == "TA-89"
    assert by_id[d.creances["impots"]]["comptable"] == "SIP-AUXERRE"


def test_control_member_gets_one_plan_per_office_and_acts_never_span_two_offices(world, cli, tmp_path):
    d = world.debtor(assigned=None)
    publish(world, "mrf-c1-test", 1, [(d, "control", None)])
    data = plan_json(cli, d.id)
    assert data["group"] == "control" and data["comptable"] is None
    assert data["group_label"] == "Témoin (panel mrf-c1-test) — circuit habituel"
    by_id = {c["id"]: c for c in data["creances"]}
    assert all(c["comptable"] == c["comptable_origine"] for c in by_id.values())
    satd = [s for s in data["steps"] if s["action"] == "satd_banque"]
    assert len(satd) == 3  # one per office, none joint across offices
    for step in data["steps"]:
        assert {by_id[cid]["comptable_origine"] for cid in step["creance_ids"]} == {step["comptable"]}
    text = cli.invoke(args=["plan", str(d.id), "--date", DATE]).stdout
    assert "Groupe : Témoin (panel mrf-c1-test) — circuit habituel" in text and "comptable TA-89" in text
    result = cli.invoke(args=["satd", "issue", str(d.id), "--out", str(tmp_path / "pdf"), "--date", DATE])
    assert result.exit_code == 0, result.output
    acts = acts_of(d.id)
    assert sorted(a for a, _ in acts) == ["SIP-AUXERRE", "SPL-AUXERRE", "TA-89"]
    assert all(origins == {structure} for structure, origins in acts)


def test_treatment_action_on_a_control_member_is_refused_exit_2_and_audited(world, cli, tmp_path):
    add_mixed_structure()
    d = world.debtor(assigned=None)
    publish(world, "mrf-c1-refus", 1, [(d, "control", None)])
    result = cli.invoke(args=["satd", "issue", str(d.id), "--out", str(tmp_path / "pdf"), "--date", DATE,
                              "--structure", "TM-89"])
    assert result.exit_code == 2, result.output
    assert "groupe témoin" in result.stderr and "circuit habituel" in result.stderr and result.stdout == ""
    assert acts_of(d.id) == []
    with pytest.raises(RefusTraitement, match="aucune SATD commune entre postes"):
        service.issue_satd(d.id, d.tiers["banque"], None, ON, "TM-89")
    with db.new_session() as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.action == "refus_traitement",
                                                     AuditLog.object_id == str(d.id))))
    assert len(rows) == 2 and "témoin" in rows[0].details["motif"]


def test_an_office_of_a_control_member_issues_for_its_own_creances_only(world):
    d = world.debtor(assigned=None)
    publish(world, "mrf-c1-own", 1, [(d, "control", None)])
    service.issue_satd(d.id, d.tiers["banque"], None, ON, "TA-89")
    assert acts_of(d.id) == [("TA-89", {"TA-89"})]


def test_route_creance_of_a_later_creance_follows_the_same_rule(world):
    from mrf.services.panels.composition import route_creance

    d = world.debtor(assigned=None)
    publish(world, "mrf-c2-route", 2, [(d, "panel", "TA-89")])
    hop = add_hospital_debt(world, d)  # after publication
    assert route_creance(hop)["structure"] == "TA-89" and route_creance(hop)["follows_panel"]
    water = route_creance(d.creances["local"])
    assert water["structure"] == "SPL-AUXERRE" and not water["follows_panel"]
    assert route_creance(d.creances["impots"])["structure"] == "SIP-AUXERRE"
