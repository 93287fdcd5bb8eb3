"""Audit of reads: the work list, the review queue and CLI reads each leave who, when, from where, what;
the audit log page reads as French (labels, formatted details, IP)."""

from __future__ import annotations

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import AuditLog


def _entries(app, action: str) -> list[AuditLog]:
    with app.app_context(), db.new_session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_the_work_list_read_is_audited_with_the_accounts_shown_and_the_ip(app, client_for, world):
    assert client_for("agent").get("/travail").status_code == 200
    [entry] = _entries(app, "consultation_liste_travail")
    assert entry.ip == "127.0.0.1"
    assert entry.object_id == str(world.structures["SIP-A"])
    assert world.mine in entry.details["comptes"]
    assert world.other not in entry.details["comptes"]


def test_the_review_queue_read_is_audited_with_the_pairs_shown(app, client_for, world):
    assert client_for("administration_centrale").get("/revue").status_code == 200
    [entry] = _entries(app, "consultation_revue")
    assert entry.details["paires"] == [world.pair] and entry.ip == "127.0.0.1"
    assert entry.agent_id is not None


def test_cli_reads_are_audited_with_the_system_user(app, world):
    cli = app.test_cli_runner()
    with app.app_context():
        assert cli.invoke(args=["accounts", "list"]).exit_code == 0
        plan = cli.invoke(args=["plan", str(world.mine)])
        assert plan.exit_code == 0, plan.stderr
        assert cli.invoke(args=["panel", "show", world.panel, "--json"]).exit_code == 0
    [listing] = _entries(app, "consultation_liste_comptes")
    assert listing.details["origine"] == "ligne de commande" and listing.details["utilisateur_systeme"]
    assert world.mine in listing.details["comptes"]
    [read] = _entries(app, "consultation_plan")
    assert read.object_id == str(world.mine)
    [panel] = _entries(app, "consultation_panel")
    assert panel.object_id == world.panel


def test_the_audit_log_reads_as_french(app, client_for, world):
    client_for("agent").get("/travail")
    page = client_for("administrateur").get("/administration/audit").get_data(as_text=True)
    assert "Consultation de la liste de travail" in page
    assert "Comptes affichés : " in page and "consultation_liste_travail" not in page.split("<tbody>")[1]
    assert "127.0.0.1" in page and "Structure n° " in page
