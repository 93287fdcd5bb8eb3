"""Issue 17 in the UI: on a témoin, an office's action on another office's créance is refused by the service
and answered 403 with its French reason; its own créance is accepted."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import AuditLog, Demande, Panel, PanelMember


def publish_control(world, app) -> None:  # noqa: ANN001
    """DUPONT (SIP-A's impôts, TA-A's amende, SIP-B's water bill) becomes a témoin of a published panel."""
    with app.app_context(), db.transaction() as s:
        panel = Panel(name="mrf-temoin-refus", configuration=1, criteria_toml='name = "mrf-temoin-refus"\n', seed=1,
                      status="publie", published_at=datetime.now(UTC), report={})
        s.add(panel)
        s.flush()
        s.add(PanelMember(panel_id=panel.id, redevable_id=world.mine, group="control", reason="tirage"))


def test_request_on_another_offices_creance_of_a_temoin_is_403_with_the_reason(app, world, client_for, csrf):
    publish_control(world, app)
    agent = client_for("agent_ta")  # TA-A: only the amende is its own; the impôts are SIP-A's
    data = {"demande-type_demande": "contestation", "demande-creances": [str(world.creances["ir"])],
            "demande-recue_le": "2026-01-15", "demande-details": "conteste", "csrf_token": csrf(agent)}
    response = agent.post(f"/redevables/{world.mine}/demandes", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "groupe témoin" in page and "IR-2024-0001" in page and "SIP-A" in page
    own = {**data, "demande-creances": [str(world.creances["afm"])]}
    assert agent.post(f"/redevables/{world.mine}/demandes", data=own).status_code == 302
    with db.new_session() as s:
        assert [d.creance_ids for d in s.scalars(select(Demande))] == [[world.creances["afm"]]]
        refus = s.scalars(select(AuditLog).where(AuditLog.action == "refus_traitement")).all()
    assert len(refus) == 1 and refus[0].details["action"] == "demande"
