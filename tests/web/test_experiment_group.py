"""The group in the experiment is shown plainly on the work list and the account page, the work list
filters on it, and a treated account says for each créance its comptable and whether it is in scope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from mrf.extensions import db
from mrf.models import Assignment, Panel, PanelMember

PASSWORD = "cheval-agrafe-batterie-1"
TEMOIN = "Témoin (panel mrf-temoin-test) — circuit habituel"


def publish_control(world, app) -> None:  # noqa: ANN001
    """DUPONT (SIP-A's impôts, TA-A's amende, SIP-B's water bill) becomes a témoin of a published panel."""
    with app.app_context(), db.transaction() as s:
        panel = Panel(name="mrf-temoin-test", configuration=1, criteria_toml='name = "mrf-temoin-test"\n', seed=1,
                      status="publie", published_at=datetime.now(UTC), report={})
        s.add(panel)
        s.flush()
        s.add(PanelMember(panel_id=panel.id, redevable_id=world.mine, group="control", reason="tirage"))


def publish_treated(world, app) -> None:  # noqa: ANN001
    """DUPONT treated in configuration 1, assigned to SIP-A: the amende goes to SIP-A, the water bill stays."""
    with app.app_context(), db.transaction() as s:
        panel = Panel(name="mrf-c1-traite", configuration=1, criteria_toml='name = "mrf-c1-traite"\n', seed=1,
                      status="publie", published_at=datetime.now(UTC), report={})
        s.add(panel)
        s.flush()
        sid = world.structures["SIP-A"]
        s.add(PanelMember(panel_id=panel.id, redevable_id=world.mine, group="panel", structure_id=sid, reason="t"))
        s.add(Assignment(redevable_id=world.mine, structure_id=sid, panel_id=panel.id, reason="Panel mrf-c1-traite"))


def test_work_list_shows_and_filters_the_group(app, world, client_for):
    publish_control(world, app)
    client = client_for("agent")
    page = client.get("/travail").get_data(as_text=True)
    assert TEMOIN in page and "Hors panel" in page
    only = client.get("/travail?groupe=control").get_data(as_text=True)
    assert TEMOIN in only and "BERNARD" not in only and "DUPONT" in only
    none = client.get("/travail?groupe=none").get_data(as_text=True)
    assert "BERNARD" in none and "DUPONT" not in none
    assert "Aucun compte" in client.get("/travail?groupe=panel").get_data(as_text=True)


def test_account_page_of_a_control_member_says_temoin(app, world, client_for):
    publish_control(world, app)
    page = client_for("agent").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert TEMOIN in page and "aucune action mutualisée" in page
    assert "Périmètre du panel" not in page


def test_account_page_of_a_treated_member_shows_each_creance_comptable_and_scope(app, world, client_for):
    publish_treated(world, app)
    page = client_for("agent").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Traité (panel mrf-c1-traite, configuration 1)" in page and "Périmètre du panel" in page
    assert "origine : TA-A" in page  # the amende is pursued by SIP-A now
    assert page.count("dans le périmètre") == 3 and page.count("hors périmètre (comptable d'origine)") == 1


@pytest.mark.browser
def test_temoin_flag_visible_in_the_browser(app, live_server, world, page) -> None:  # noqa: ANN001
    publish_control(world, app)
    page.goto(live_server.url + "/login")
    page.get_by_label("Identifiant").fill("agent.a")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    row = page.locator("#liste-de-travail tbody tr", has_text="DUPONT")
    assert row.locator(".mrf-groupe").is_visible() and TEMOIN in row.text_content()  # DSFR badges read uppercase
    page.get_by_label("Groupe (expérimentation)").select_option("control")
    page.get_by_role("button", name="Appliquer").click()
    assert page.locator("#liste-de-travail tbody tr").count() == 1
    page.get_by_role("link", name="DUPONT JEAN PIERRE").click()
    expect(page.locator("#groupe-experimentation").get_by_text(TEMOIN)).to_be_visible()
    # SIP-A's agent sees its own créances of the témoin only, and is told so
    expect(page.locator("#temoin-perimetre")).to_be_visible()
    assert "d'autres postes ne sont pas affichées" in page.locator("#temoin-perimetre").text_content()
    assert page.get_by_text("IR-2024-0001").first.is_visible() and page.get_by_text("AFM-0003").count() == 0


def test_an_office_issues_on_a_temoin_only_for_its_own_creances(app, world, client_for, csrf):
    from sqlalchemy import select

    from mrf.models import Acte, ActeLine

    publish_control(world, app)
    agent = client_for("agent_b")  # SIP-B holds the water bill (of the account merged into DUPONT)
    response = agent.post(f"/redevables/{world.mine}/satd",
                          data={"satd-renseignement": str(world.bank), "csrf_token": csrf(agent)})
    assert response.status_code == 302
    with app.app_context(), db.new_session() as s:
        acts = list(s.scalars(select(Acte).where(Acte.redevable_id == world.mine,
                                                 Acte.structure_id == world.structures["SIP-B"])))
        assert len(acts) == 1
        lines = list(s.scalars(select(ActeLine.creance_id).where(ActeLine.acte_id == acts[0].id)))
    assert lines == [world.creances["eau"]]  # SIP-B's water bill only, not SIP-A's impôts nor TA-A's amende
