"""``mrf panel assign`` and ``mrf panel reaffectations [NAME] [--json]`` / ``… decide ID``: parity with the UI,
on every database backend; refusals exit 2 with the reason on stderr and write nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import Assignment, AuditLog, ReassignmentDecision, ReassignmentProposal, Structure
from mrf.services.panels import composition as service

from mrf_panels_world import AUXERRE, CRITERIA, SENS


def count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_assign_from_the_cli_with_a_reason(world, cli):
    # Sens is outside SIP-A's territory and SIP-S is not in configuration 1's territory list for Auxerre:
    # debtors of a commune no configuration-1 SIP covers land on the manual list.
    ids = [world.debtor("89025", impots=10_000 + i, amendes=4_000) for i in range(3)]
    ids += [world.debtor("89388", impots=10_000 + i, amendes=4_000) for i in range(4)]
    service.save_panel(CRITERIA.replace("control_share = 0.3", "control_share = 0.2"))
    service.publish_panel("yonne-test")
    manual = [e["redevable_id"] for e in service.show_panel("yonne-test")["manual"]]
    assert manual, "the world must leave accounts to assign by hand"
    target = manual[0]
    out = cli.invoke(args=["panel", "assign", "yonne-test", str(target), "SIP-S"])
    assert out.exit_code == 2 and "--reason" in out.output + out.stderr
    out = cli.invoke(args=["panel", "assign", "yonne-test", str(target), "SIP-S", "--reason", "  "])
    assert out.exit_code == 2 and "motif est obligatoire" in out.stderr
    out = cli.invoke(args=["panel", "assign", "yonne-test", str(target), "TA-89", "--reason", "essai"])
    assert out.exit_code == 2 and "n'en est pas" in out.stderr  # configuration 1 takes a SIP
    assert count(Assignment, Assignment.redevable_id == target) == 0
    out = cli.invoke(args=["panel", "assign", "yonne-test", *map(str, manual), "SIP-S", "--reason", "pôle de Sens"])
    assert out.exit_code == 0, out.stderr
    assert f"Redevable {target} affecté à SIP-S" in out.output
    with db.new_session() as s:
        sip_s = s.scalar(select(Structure.id).where(Structure.code == "SIP-S"))
    assert count(Assignment, Assignment.redevable_id.in_(manual), Assignment.structure_id == sip_s) == len(manual)
    assert count(AuditLog, AuditLog.action == "panel_affectation") == len(manual)


def test_reassignments_listed_and_decided_from_the_cli(world, cli):
    from mrf.models import Renseignement
    from panels import Reliability  # noqa: F401 - the world's addresses use the library's vocabulary

    treated = [world.debtor(AUXERRE, impots=10_000 + i, amendes=4_000) for i in range(6)]
    service.save_panel(CRITERIA.replace("control_share = 0.3", "control_share = 0.2"))
    service.publish_panel("yonne-test")
    mover = next(m["redevable_id"] for m in service.show_panel("yonne-test")["members"]
                 if m["group"] == "panel" and m["structure"] == "SIP-A")
    assert mover in treated
    from mrf_panels_world import AS_OF

    with db.transaction() as s:
        s.add(Renseignement(redevable_id=mover, kind="adresse", source="huissier", observed_on=AS_OF,
                            reliability="confirmee", code_insee=SENS))
    out = cli.invoke(args=["panel", "reaffectations", "yonne-test", "--json"])
    assert out.exit_code == 0, out.output + out.stderr
    assert json.loads(out.stdout) == []
    out = cli.invoke(args=["panel", "reaffectations", "--detecter"])
    assert out.exit_code == 0, out.stderr
    assert "1 proposition(s) de réaffectation créée(s)" in out.output and "en attente" in out.output
    rows = json.loads(cli.invoke(args=["panel", "reaffectations", "yonne-test", "--json"]).stdout)
    assert [(r["redevable_id"], r["from_structure"], r["to_structure"], r["decision"]) for r in rows] == [
        (mover, "SIP-A", "SIP-S", None)]
    pid = rows[0]["id"]
    out = cli.invoke(args=["panel", "reaffectations", "decide", str(pid), "--accept"])
    assert out.exit_code == 2  # --reason is required
    out = cli.invoke(args=["panel", "reaffectations", "decide", str(pid), "--refuse", "--reason", "adresse douteuse"])
    assert out.exit_code == 0 and "refusée" in out.output
    out = cli.invoke(args=["panel", "reaffectations", "decide", str(pid), "--accept", "--reason", "finalement"])
    assert out.exit_code == 2 and "déjà été refusée" in out.stderr
    assert count(ReassignmentDecision) == 1 and count(ReassignmentProposal) == 1
    decided = json.loads(cli.invoke(args=["panel", "reaffectations", "--json"]).stdout)[0]["decision"]
    assert decided["decision"] == "refusee" and decided["reason"] == "adresse douteuse" and decided["decided_at"]
    out = cli.invoke(args=["panel", "reaffectations", "decide", "999999", "--accept", "--reason", "x"])
    assert out.exit_code == 2 and "inconnue" in out.stderr
    out = cli.invoke(args=["panel", "reaffectations", "absent"])
    assert out.exit_code == 2 and "Panel inconnu" in out.stderr
