"""Panels, users, audit log, the ``mrf user`` command and the demo accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import Agent, AuditLog, Panel
from mrf.services.admin.users import authenticate


def _count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


# The review queue is tested in test_review.py.


# ---------------------------------------------------------------- panels
FORM = {"nom": "panel-web", "configuration": "1", "produits": ["amendes", "impots"], "departements": "89",
        "part_temoin": "50", "graine": "3", "date_reference": "2026-01-01"}


def test_panel_preview_save_publish(world, client_for, csrf) -> None:
    centrale = client_for("administration_centrale")
    assert "panel-test" in centrale.get("/panels").get_data(as_text=True)
    preview = centrale.post("/panels/nouveau", data={**FORM, "action": "apercu", "csrf_token": csrf(centrale)})
    assert preview.status_code == 200, preview.get_data(as_text=True)[-2000:]
    body = preview.get_data(as_text=True)
    assert "Aperçu du panel « panel-web »" in body and "Comptes examinés" in body
    assert _count(Panel, Panel.name == "panel-web") == 0  # a preview writes nothing
    saved = centrale.post("/panels/nouveau", data={**FORM, "action": "enregistrer", "csrf_token": csrf(centrale)})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/panels/panel-web")
    page = centrale.get("/panels/panel-web").get_data(as_text=True)
    assert "brouillon" in page and "Publier le panel" in page
    published = centrale.post("/panels/panel-web/publier", data={"csrf_token": csrf(centrale)})
    follow = centrale.get(published.headers["Location"]).get_data(as_text=True)
    assert "publié" in follow or "Publication refusée" in follow
    assert centrale.get("/panels/inconnu").status_code == 404


def test_panel_criteria_errors_are_shown(world, client_for, csrf) -> None:
    centrale = client_for("administration_centrale")
    response = centrale.post("/panels/nouveau", data={"criteres": 'name = "x"\ncontrol_share = 1.5\n',
                                                      "action": "importer", "csrf_token": csrf(centrale)})
    assert response.status_code == 400
    assert "Critères refusés" in response.get_data(as_text=True)
    assert "control_share" in response.get_data(as_text=True)
    wrong = centrale.post("/panels/nouveau", data={**FORM, "part_temoin": "150", "communes": "89999",
                                                   "action": "apercu", "csrf_token": csrf(centrale)})
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "strictement comprise entre 0 et 100" in body
    assert "Code(s) commune INSEE inconnu(s) : 89999" in body


# ---------------------------------------------------------------- users and audit
def test_administrator_creates_and_deactivates_users(world, client_for, csrf) -> None:
    admin = client_for("administrateur")
    assert "agent.a" in admin.get("/administration/utilisateurs").get_data(as_text=True)
    response = admin.post("/administration/utilisateurs", data={
        "login": "nouvel.agent", "display_name": "Nouvel agent", "role": "agent", "structure": "SIP-A",
        "password": "un-mot-de-passe-long", "csrf_token": csrf(admin)})
    assert response.status_code == 302
    assert authenticate("nouvel.agent", "un-mot-de-passe-long").agent is not None
    short = admin.post("/administration/utilisateurs", data={
        "login": "court", "role": "agent", "structure": "SIP-A", "password": "court", "csrf_token": csrf(admin)})
    assert short.status_code == 400 and "Au moins 12 caractères" in short.get_data(as_text=True)
    no_structure = admin.post("/administration/utilisateurs", data={
        "login": "sans.structure", "role": "agent", "structure": "", "password": "un-mot-de-passe-long",
        "csrf_token": csrf(admin)})
    assert no_structure.status_code == 400 and "exige une structure" in no_structure.get_data(as_text=True)
    with db.new_session() as s:
        new_id = s.scalar(select(Agent.id).where(Agent.login == "nouvel.agent"))
    admin.post(f"/administration/utilisateurs/{new_id}/activation", data={"actif": "0", "csrf_token": csrf(admin)})
    assert authenticate("nouvel.agent", "un-mot-de-passe-long").agent is None
    assert _count(AuditLog, AuditLog.action == "desactivation_utilisateur") == 1


def test_deactivated_user_is_signed_out(world, client_for, csrf) -> None:
    agent = client_for("agent")
    assert agent.get("/travail").status_code == 200
    with db.transaction() as s:
        s.scalar(select(Agent).where(Agent.login == "agent.a")).active = False
    assert agent.get("/travail").status_code == 302


def test_audit_log_filters_and_pages(world, client_for) -> None:
    agent = client_for("agent")
    for _ in range(3):
        agent.get(f"/redevables/{world.mine}")
    agent.get(f"/redevables/{world.assigned}")
    admin = client_for("administrateur")
    page = admin.get(f"/administration/audit?action=consultation&objet=redevable&numero={world.mine}")
    body = page.get_data(as_text=True)
    assert "3 entrées" in body and "agent.a" in body and "Consultation d&#39;un compte" in body
    assert "4 entrées" in admin.get("/administration/audit?action=consultation").get_data(as_text=True)
    assert "agent.a" in admin.get("/administration/audit?identifiant=agent.a&du=01/01/2000").get_data(as_text=True)
    assert "0 entrée" in admin.get("/administration/audit?identifiant=agent.a&au=01/01/2000").get_data(as_text=True)
    assert "illisible" in admin.get("/administration/audit?du=hier").get_data(as_text=True)


# ---------------------------------------------------------------- command line and demo
def test_cli_user_create_and_list(app, cli) -> None:  # noqa: ARG001
    from mrf.services.admin.structures import StructureSpec, upsert_structures

    upsert_structures([StructureSpec("SIP-X", "SIP X", "sip", "89", ("impots",), ())])
    result = cli.invoke(args=["user", "create", "agent.x", "--role", "agent", "--structure", "SIP-X",
                              "--password-stdin"], input="un-mot-de-passe-solide\n")
    assert result.exit_code == 0, result.output
    assert "agent.x" in result.output and "un-mot-de-passe-solide" not in result.output
    assert authenticate("agent.x", "un-mot-de-passe-solide").agent is not None
    again = cli.invoke(args=["user", "create", "agent.x", "--role", "agent", "--structure", "SIP-X",
                             "--password-stdin"], input="un-mot-de-passe-solide\n")
    assert again.exit_code != 0 and "existe déjà" in again.output
    weak = cli.invoke(args=["user", "create", "agent.y", "--role", "evaluateur", "--password-stdin"], input="court\n")
    assert weak.exit_code != 0 and "12 caractères" in weak.output
    listing = cli.invoke(args=["user", "list"])
    assert "agent.x" in listing.output and "SIP-X" in listing.output


def test_demo_users_one_per_role(app) -> None:  # noqa: ARG001
    from mrf.demo.structures import demo_structures
    from mrf.demo.users import create_demo_users
    from mrf.services.admin.structures import StructureSpec, upsert_structures

    upsert_structures([StructureSpec(s.code, s.name, s.type, s.departement, tuple(s.products), (),
                                     s.configuration) for s in demo_structures()])
    said: list[str] = []
    created = create_demo_users(said.append)
    with db.new_session() as s:
        roles = set(s.scalars(select(Agent.role)))
    assert roles == {"agent", "comptable", "administration_centrale", "evaluateur", "administrateur"}
    for login, password in created.items():
        assert authenticate(login, password).agent is not None
        assert any(password in line for line in said)  # printed once
    second: list[str] = []
    assert create_demo_users(second.append) == {}
    assert not any(p in " ".join(second) for p in created.values())
