"""Panels in the application, on every database backend: account summaries, drafts, publication
(assignments), lifecycle refusals, routing of later créances, reassignment proposals, CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from mrf.demo import panels as demo_panels
from mrf.extensions import db
from mrf.models import (
    Acte,
    ActeLine,
    Assignment,
    Creance,
    Demande,
    Panel,
    PanelMember,
    ReassignmentProposal,
    RecordLink,
    Redevable,
    Renseignement,
    RequestDecision,
)
from mrf.services.comptes.resume import load_account_summaries
from mrf.services.panels import composition as service
from panels import Reliability, TransitionRefused

from mrf_panels_world import AS_OF, AUXERRE, AVALLON, CRITERIA, NEVERS, SENS


def count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def population(world, n: int = 30) -> list[int]:  # noqa: ANN001
    """n common debtors of the Yonne (impôts + amendes), spread over two communes of SIP-A."""
    return [world.debtor(AUXERRE if i % 2 else AVALLON, impots=10_000 + 137 * i, amendes=4_500 + 91 * i)
            for i in range(n)]


# --------------------------------------------------------------------------- summaries
def test_account_summaries_fold_products_dates_flags_and_addresses(world):
    rid = world.debtor(AUXERRE, impots=12_000, amendes=3_000, local=2_000, delit=True,
                       prise_en_charge=date(2024, 3, 1))
    world.add_creance(rid, "secteur_local", 700, "TM-58", hosp=True)
    other = world.debtor(SENS, impots=5_000)
    merged = world.debtor(SENS, amendes=1_000)
    with db.transaction() as s:
        s.get(Redevable, merged).merged_into_id = rid
        s.add(Renseignement(redevable_id=rid, kind="adresse", source="huissier", observed_on=date(2026, 9, 1),
                            reliability="confirmee", code_insee=SENS))
        s.add(Renseignement(redevable_id=rid, kind="banque", source="ficoba", observed_on=date(2026, 9, 1),
                            reliability="confirmee", code_insee=NEVERS))
        s.add(Demande(redevable_id=rid, kind="contestation", received_on=date(2026, 10, 1)))
        plan = Demande(redevable_id=other, kind="plan_reglement", received_on=date(2026, 5, 1))
        s.add(plan)
        s.flush()
        s.add(RequestDecision(request_id=plan.id, status="acceptee", decided_on=date(2026, 5, 10)))
        # an SATD on the impôts créance restarts its prescription
        impots_id = s.scalar(
            select(Creance.id).join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
            .where(RecordLink.redevable_id == rid, Creance.product == "impots"))
        acte = Acte(redevable_id=rid, kind="satd_banque", issued_on=date(2025, 1, 15))
        s.add(acte)
        s.flush()
        s.add(ActeLine(acte_id=acte.id, creance_id=impots_id, amount_cents=12_000))
    with db.new_session() as s:
        summaries = {a.redevable_id: a for a in load_account_summaries(s, AS_OF)}
        only = load_account_summaries(s, AS_OF, [rid])
    assert set(summaries) == {rid, other}  # the merged account counts for the surviving one
    a = summaries[rid]
    assert dict(a.due_cents) == {"impots": 12_000, "amendes": 3_000 + 1_000, "secteur_local": 2_000 + 700}
    assert a.hospital_cents == 700
    assert a.creance_count == 5
    assert a.oldest_debt_on == date(2024, 3, 1) and a.newest_debt_on == date(2026, 10, 1)
    # secteur local 2024-03-01 + 4 years; impôts interrupted 2025-01-15 + 4; amendes délit + 6
    assert a.nearest_prescription_on == date(2028, 3, 1)
    assert a.contested and not a.payment_plan_honoured
    assert summaries[other].payment_plan_honoured and not summaries[other].contested
    assert not (a.deceased or a.surendettement or a.procedure_collective)
    assert a.current_structure_codes == {"SIP-A", "TA-89", "SPL-89", "TM-58"}
    sources = {(o.source, o.code_insee, o.reliability) for o in a.addresses}
    assert ("huissier", SENS, Reliability.RELIABLE) in sources
    assert ("impots", AUXERRE, Reliability.RELIABLE) in sources
    assert ("amendes", SENS, Reliability.RELIABLE) in sources  # from the merged account's record
    assert not any(o.code_insee == NEVERS for o in a.addresses)  # a bank is not an address
    assert only == [a]


# --------------------------------------------------------------------------- composition
def test_same_criteria_and_seed_give_the_same_panel(world):
    population(world)
    first = service.preview_panel(CRITERIA, None)
    again = service.preview_panel(CRITERIA, None)
    assert first.to_json() == again.to_json()
    assert first.balance.n_panel + first.balance.n_control == 30
    assert 8 <= first.balance.n_control <= 10

    service.save_panel(CRITERIA)
    shown = service.show_panel("yonne-test")
    service.save_panel(CRITERIA)  # re-saving a draft recomputes it
    assert service.show_panel("yonne-test")["members"] == shown["members"]
    assert count(PanelMember) == 30
    assert [(m["redevable_id"], m["group"]) for m in shown["members"]] == [
        (m.redevable_id, m.group.value) for m in first.members]

    other_seed = service.preview_panel(CRITERIA, 8)
    assert other_seed.criteria.seed == 8
    assert other_seed.groups() != first.groups()


def test_publish_writes_one_assignment_per_treated_member_or_manual_reason(world):
    ids = population(world, 20)
    homeless = world.debtor(None, impots=20_000, amendes=9_000)  # no address: department of SIP-A kept
    sens = [world.debtor(SENS, impots=15_000, amendes=6_000) for _ in range(4)]  # SIP-S also habilitated
    nevers = world.debtor(NEVERS, impots=15_000, amendes=6_000)  # outside the départements
    service.save_panel(CRITERIA)
    service.publish_panel("yonne-test")
    shown = service.show_panel("yonne-test")
    assert shown["status"] == "publie"
    members = {m["redevable_id"]: m for m in shown["members"]}
    assert nevers not in members
    assert set(members) == {*ids, homeless, *sens}
    manual = {e["redevable_id"]: e for e in shown["manual"]}
    with db.new_session() as s:
        assignments = {a.redevable_id: a for a in s.scalars(select(Assignment))}
        codes = dict(s.execute(select(service.Structure.id, service.Structure.code)).all())
    treated = [m for m in members.values() if m["group"] == "panel"]
    assert treated
    for m in treated:
        if m["structure"] is None:
            assert m["redevable_id"] in manual and manual[m["redevable_id"]]["reason"]
            assert m["redevable_id"] not in assignments
        else:
            a = assignments[m["redevable_id"]]
            assert codes[a.structure_id] == m["structure"]
            assert a.reason.startswith(f"Panel yonne-test, affectation à {m['structure']} : ")
            expected = "SIP-S" if m["redevable_id"] in sens else "SIP-A"
            assert m["structure"] == expected
    assert len(assignments) == sum(1 for m in treated if m["structure"])
    assert all(m["redevable_id"] not in assignments for m in members.values() if m["group"] == "control")
    if members[homeless]["group"] == "panel":
        assert manual[homeless]["reason_code"] == "sans_adresse"


def test_lifecycle_refusals_use_the_library_messages(world):
    population(world, 10)
    with pytest.raises(service.PanelNotFound, match="Panel inconnu"):
        service.publish_panel("yonne-test")
    service.save_panel(CRITERIA)
    with pytest.raises(TransitionRefused, match="brouillon ne peut pas être clos"):
        service.close_panel("yonne-test")
    service.publish_panel("yonne-test")
    assigned = count(Assignment)
    with pytest.raises(TransitionRefused, match="déjà publié"):
        service.publish_panel("yonne-test")
    with pytest.raises(TransitionRefused, match="ne peut pas être recalculé"):
        service.save_panel(CRITERIA)
    assert count(Assignment) == assigned  # nothing written by the refusals
    service.close_panel("yonne-test")
    assert service.show_panel("yonne-test")["status"] == "clos"
    with db.new_session() as s:
        in_force = service.current_assignments(s)
    assert in_force and all(a.structure_id is None for a in in_force.values())  # ended, appended
    assert count(Assignment) == 2 * assigned
    with pytest.raises(TransitionRefused, match="déjà clos"):
        service.close_panel("yonne-test")


def test_overlapping_published_panels_are_refused(world):
    population(world, 10)
    service.save_panel(CRITERIA)
    service.publish_panel("yonne-test")
    service.save_panel(CRITERIA.replace('"yonne-test"', '"yonne-bis"'))
    with pytest.raises(TransitionRefused, match="appartiennent déjà à un panel publié"):
        service.publish_panel("yonne-bis")


def test_a_panel_composed_outside_published_ones_does_not_overlap_them(world):
    population(world, 10)
    service.save_panel(CRITERIA)
    service.publish_panel("yonne-test")
    taken = {m["redevable_id"] for m in service.show_panel("yonne-test")["members"]}
    assert taken
    bis = service.save_panel(CRITERIA.replace('"yonne-test"', '"yonne-bis"'), outside_published=True)
    counts = bis.report["counts"]
    assert counts["panel"] + counts["control"] == 0  # the same territory: everyone is already taken
    population(world, 6)  # newcomers of the same territory
    service.save_panel(CRITERIA.replace('"yonne-test"', '"yonne-bis"'), outside_published=True)
    members = {m["redevable_id"] for m in service.show_panel("yonne-bis")["members"]}
    assert members and not members & taken
    service.publish_panel("yonne-bis")


# --------------------------------------------------------------------------- after publication
def test_later_creance_follows_the_assigned_structure(world):
    ids = population(world, 20)
    service.save_panel(CRITERIA)
    service.publish_panel("yonne-test")
    members = {m["redevable_id"]: m for m in service.show_panel("yonne-test")["members"]}
    treated = next(i for i in ids if members[i]["group"] == "panel" and members[i]["structure"])
    control = next(i for i in ids if members[i]["group"] == "control")

    new_amende = world.add_creance(treated, "amendes", 13_500, "TA-89")
    routed = service.route_creance(new_amende)
    assert routed["structure"] == "SIP-A" and routed["follows_panel"] and routed["panel"] == "yonne-test"
    assert "SIP-A" in routed["reason"]

    local = world.add_creance(treated, "secteur_local", 2_000, "SPL-89")
    routed = service.route_creance(local)
    assert routed["structure"] == "SPL-89" and not routed["follows_panel"]
    assert "hors du périmètre" in routed["reason"]

    routed = service.route_creance(world.add_creance(control, "amendes", 1_000, "TA-89"))
    assert routed["structure"] == "TA-89" and "groupe témoin" in routed["reason"]

    # a manual assignment (a new act) is what later créances follow
    service.assign_manually("yonne-test", treated, "SIP-S", reason="décision du pôle de recouvrement")
    assert service.route_creance(world.add_creance(treated, "impots", 900, "SIP-A"))["structure"] == "SIP-S"
    assert service.show_panel("yonne-test")["members"][ids.index(treated)]["structure"] == "SIP-S"


def test_a_move_out_of_the_territory_produces_a_reassignment_proposal(world):
    ids = population(world, 20)
    service.save_panel(CRITERIA)
    service.publish_panel("yonne-test")
    members = {m["redevable_id"]: m for m in service.show_panel("yonne-test")["members"]}
    treated = [i for i in ids if members[i]["group"] == "panel" and members[i]["structure"] == "SIP-A"]
    mover, stayer = treated[0], treated[1]
    assert service.reassignment_proposals() == []
    with db.transaction() as s:
        s.add(Renseignement(redevable_id=mover, kind="adresse", source="huissier", observed_on=date(2026, 11, 1),
                            reliability="confirmee", code_insee=SENS))
        s.add(Renseignement(redevable_id=stayer, kind="adresse", source="huissier", observed_on=date(2026, 11, 1),
                            reliability="confirmee", code_insee=AVALLON))
    created = service.reassignment_proposals(as_of=AS_OF)
    assert [(p["redevable_id"], p["from_structure"], p["to_structure"]) for p in created] == [
        (mover, "SIP-A", "SIP-S")]
    assert "Déménagement" in created[0]["reason"] and SENS in created[0]["reason"]
    assert service.reassignment_proposals(as_of=AS_OF) == []  # not repeated while pending
    assert count(ReassignmentProposal) == 1

    decided = service.decide_reassignment(created[0]["id"], accept=True, reason="déménagement confirmé")
    assert decided["decision"] == "acceptee"
    assert service.route_creance(world.add_creance(mover, "amendes", 500, "TA-89"))["structure"] == "SIP-S"


# --------------------------------------------------------------------------- CLI
def test_cli_build_publish_show_list(world, cli, tmp_path):
    population(world, 12)
    path = tmp_path / "panel.toml"
    path.write_text(CRITERIA, encoding="utf-8")
    out = cli.invoke(args=["panel", "build", str(path), "--seed", "11"])
    assert out.exit_code == 0, out.output
    assert "Sélection : 12 comptes consolidés examinés" in out.output
    assert "Pas de dette sur chacun des produits retenus" in out.output
    assert "Équilibre panel / témoin" in out.output and "graine 11" in out.output

    out = cli.invoke(args=["panel", "publish", "yonne-test"])
    assert out.exit_code == 0, out.output
    assert "publié" in out.output
    out = cli.invoke(args=["panel", "publish", "yonne-test"])
    assert out.exit_code == 1 and "déjà publié" in out.stderr

    out = cli.invoke(args=["panel", "show", "yonne-test", "--json"])
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert {"name", "configuration", "members"} <= set(data)
    assert data["name"] == "yonne-test" and data["configuration"] == 1 and data["seed"] == 11
    assert len(data["members"]) == 12
    for m in data["members"]:
        assert set(m) == {"redevable_id", "group", "structure", "reason", "baseline", "arrivals"}
        assert m["baseline"] and all(v > 0 for v in m["baseline"].values())  # issue 18: due at publication
        assert m["group"] in ("panel", "control")
    out = cli.invoke(args=["panel", "list"])
    assert "yonne-test" in out.output and "publie" in out.output
    out = cli.invoke(args=["panel", "close", "yonne-test"])
    assert out.exit_code == 0 and "clos" in out.output


def test_cli_bad_toml_exits_2_with_the_library_message(world, cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nconfiguration = 1\ncontrol_share = 1.5\n', encoding="utf-8")
    out = cli.invoke(args=["panel", "build", str(bad)])
    assert out.exit_code == 2
    assert "Critères du panel invalides" in out.stderr and "control_share" in out.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x\n', encoding="utf-8")
    out = cli.invoke(args=["panel", "build", str(broken), "--seed", "3"])
    assert out.exit_code == 2 and "syntaxe TOML invalide" in out.stderr
    assert count(Panel) == 0
    out = cli.invoke(args=["panel", "show", "absent", "--json"])
    assert out.exit_code == 2 and "Panel inconnu" in out.stderr


# --------------------------------------------------------------------------- demo step
def test_demo_step_builds_and_publishes_one_panel_per_configuration(app, tmp_path):
    from mrf.demo.structures import demo_structures
    from mrf.services.admin.structures import StructureSpec, upsert_structures

    from mrf_panels_world import World

    upsert_structures([StructureSpec(s.code, s.name, s.type, s.departement, tuple(s.products), tuple(s.communes),
                                     s.configuration) for s in demo_structures()])
    world = World()
    yonne = {"impots": "SIP-AUXERRE", "amendes": "TA-89"}
    nievre = {"amendes": "TM-NEVERS", "hopital": "TM-NEVERS"}
    for i in range(12):
        world.debtor(AUXERRE, impots=20_000 + i, amendes=8_000 + i, codes=yonne)
        world.debtor(NEVERS, amendes=8_000 + i, hospital=30_000 + i, codes=nievre)
    world.debtor(SENS, impots=20_000, amendes=8_000, codes={"impots": "SIP-SENS", "amendes": "TA-89"})
    said: list[str] = []
    demo_panels.demo_panels(tmp_path, said.append)
    names = [name for name, *_ in demo_panels.DEMO_PANELS]
    assert sorted(p.name for p in tmp_path.glob("panel-*.toml")) == sorted(f"panel-{n}.toml" for n in names)
    panels = {p["name"]: p for p in service.list_panels()}
    c1, c2, c3 = (panels[n] for n in names)
    assert c1["status"] == c2["status"] == "publie" and c3["status"] == "brouillon"  # nobody in the 06
    assert c1["n_panel"] + c1["n_control"] == 12  # Sens is outside SIP-AUXERRE and SIP-LE-PUY
    assert {m["structure"] for m in service.show_panel(names[0])["members"] if m["group"] == "panel"} == {
        "SIP-AUXERRE"}
    assert {m["structure"] for m in service.show_panel(names[1])["members"] if m["group"] == "panel"} == {
        "TM-NEVERS"}
    assert any("publié" in line for line in said)
    said.clear()
    demo_panels.demo_panels(tmp_path, said.append)  # a second demo run keeps the published panels
    assert sum("conservé tel quel" in line for line in said) == 2
