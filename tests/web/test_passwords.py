"""Passwords after creation: an administrator's reset (provisional, shown once, changed at next sign-in)
and a user's own change (current password required, policy, other sessions closed), in the pages and
the command line, each audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Agent, AuditLog, WebSession

from .conftest import PASSWORD, sign_in

NEW = "tortue-lampadaire-violon-7"
_PROVISIONAL = re.compile(r'id="mot-de-passe-provisoire"[^>]*>([^<]+)<')


def _agent(login: str) -> Agent:
    with db.new_session() as s:
        return s.scalar(select(Agent).where(Agent.login == login))


def _audit(action: str) -> list[AuditLog]:
    with db.new_session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _open_sessions(agent_id: int) -> int:
    with db.new_session() as s:
        return len(s.scalars(select(WebSession.id).where(WebSession.agent_id == agent_id,
                                                         WebSession.ended_at.is_(None))).all())


def _change(client, csrf, current: str, new: str, confirm: str | None = None):  # noqa: ANN001, ANN202
    return client.post("/mot-de-passe", data={"current": current, "new": new, "confirm": confirm or new,
                                              "csrf_token": csrf(client, "/mot-de-passe")})


def test_admin_reset_shows_a_provisional_password_once_and_forces_a_change(app, world, client_for, csrf) -> None:
    victim = app.test_client()
    assert sign_in(victim, "agent.a").status_code == 302
    assert victim.get("/travail").status_code == 200
    admin = client_for("administrateur")
    agent_id = _agent("agent.a").id
    users_page = admin.get("/administration/utilisateurs").get_data(as_text=True)
    assert f"/administration/utilisateurs/{agent_id}/mot-de-passe" in users_page

    shown = admin.post(f"/administration/utilisateurs/{agent_id}/mot-de-passe",
                       data={"csrf_token": csrf(admin, "/administration/utilisateurs")})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    provisional = _PROVISIONAL.search(shown.get_data(as_text=True)).group(1)
    assert len(provisional) >= 12
    # Nowhere in clear: not in the database, not in the audit trail, not in the admin's cookie.
    assert provisional not in _agent("agent.a").password_hash
    line = _audit("reinitialisation_mot_de_passe")[-1]
    assert provisional not in str(line.details) and line.agent_id == _agent("admin").id and line.ip
    assert provisional not in (admin.get_cookie("session").value or "")
    # The old password opens nothing any more; the victim's open session is closed.
    assert victim.get("/travail").status_code == 302
    assert _open_sessions(agent_id) == 0
    assert sign_in(app.test_client(), "agent.a").status_code == 401

    user = app.test_client()
    first = sign_in(user, "agent.a", provisional)
    assert first.status_code == 302 and first.headers["Location"].endswith("/mot-de-passe")
    # Every page leads to the change form until the password is changed.
    assert user.get("/travail").headers["Location"].endswith("/mot-de-passe")
    assert "provisoire" in user.get("/mot-de-passe").get_data(as_text=True)
    done = _change(user, csrf, provisional, NEW)
    assert done.status_code == 302
    assert user.get("/travail").status_code == 200
    assert _agent("agent.a").must_change_password is False


def test_reset_of_an_unknown_user_or_without_token(world, client_for, csrf) -> None:
    admin = client_for("administrateur")
    token = csrf(admin, "/administration/utilisateurs")
    assert admin.post("/administration/utilisateurs/999999/mot-de-passe", data={"csrf_token": token}).status_code == 404
    before = _agent("agent.a").password_hash
    assert admin.post(f"/administration/utilisateurs/{_agent('agent.a').id}/mot-de-passe").status_code in (302, 400)
    assert _agent("agent.a").password_hash == before
    agent = client_for("agent")
    refused = agent.post(f"/administration/utilisateurs/{_agent('admin').id}/mot-de-passe",
                         data={"csrf_token": csrf(agent, "/travail")})
    assert refused.status_code in (403, 404)
    assert _agent("admin").must_change_password is False
    own = admin.post(f"/administration/utilisateurs/{_agent('admin').id}/mot-de-passe", data={"csrf_token": token})
    assert own.status_code == 302 and _agent("admin").must_change_password is False
    assert "Votre propre mot de passe se change" in admin.get("/administration/utilisateurs").get_data(as_text=True)


def test_self_change_requires_the_current_password_and_the_policy(app, world, client_for, csrf) -> None:
    other_device = app.test_client()
    assert sign_in(other_device, "agent.a").status_code == 302
    client = client_for("agent")
    agent_id = _agent("agent.a").id
    assert _open_sessions(agent_id) == 2

    wrong = _change(client, csrf, "pas-le-bon-mot-de-passe", NEW)
    assert wrong.status_code == 400 and "Mot de passe actuel incorrect" in wrong.get_data(as_text=True)
    weak = _change(client, csrf, PASSWORD, "azertyuiopqs")
    assert weak.status_code == 400 and "suite ou une répétition" in weak.get_data(as_text=True)
    mine = _change(client, csrf, PASSWORD, "agent.a-mon-mot-de-passe")
    assert "identifiant" in mine.get_data(as_text=True)
    mismatch = _change(client, csrf, PASSWORD, NEW, NEW + "x")
    assert mismatch.status_code == 400 and "diffèrent" in mismatch.get_data(as_text=True)
    same = _change(client, csrf, PASSWORD, PASSWORD)
    assert same.status_code == 400 and "différent de l&#39;actuel" in same.get_data(as_text=True)
    assert _audit("changement_mot_de_passe") == []

    done = _change(client, csrf, PASSWORD, NEW)
    assert done.status_code == 302
    assert client.get("/travail").status_code == 200  # this session stays open
    assert other_device.get("/travail").status_code == 302  # the other one is closed
    assert _open_sessions(agent_id) == 1
    line = _audit("changement_mot_de_passe")[-1]
    assert line.agent_id == agent_id and line.details["sessions_fermees"] == 1 and NEW not in str(line.details)
    assert sign_in(app.test_client(), "agent.a", NEW).status_code == 302
    assert sign_in(app.test_client(), "agent.a", PASSWORD).status_code == 401


def test_a_user_created_by_an_administrator_changes_the_password_at_first_sign_in(app, world, client_for,
                                                                                    csrf) -> None:
    admin = client_for("administrateur")
    created = admin.post("/administration/utilisateurs", data={
        "login": "nouvel.agent", "display_name": "", "role": "evaluateur", "structure": "", "password": PASSWORD,
        "csrf_token": csrf(admin, "/administration/utilisateurs")})
    assert created.status_code == 302
    user = app.test_client()
    assert sign_in(user, "nouvel.agent").headers["Location"].endswith("/mot-de-passe")
    assert user.get("/tableau-de-bord").headers["Location"].endswith("/mot-de-passe")


def test_cli_reset_and_set_password(app, world, cli) -> None:  # noqa: ARG001
    reset = cli.invoke(args=["user", "reset-password", "agent.b"])
    assert reset.exit_code == 0, reset.output
    provisional = reset.stdout.strip().splitlines()[-1]
    assert _agent("agent.b").must_change_password is True
    assert sign_in(app.test_client(), "agent.b", provisional).headers["Location"].endswith("/mot-de-passe")
    assert _audit("reinitialisation_mot_de_passe")[-1].details["canal"] == "cli"

    unknown = cli.invoke(args=["user", "reset-password", "personne"])
    assert unknown.exit_code == 2 and "Utilisateur inconnu" in unknown.stderr

    wrong = cli.invoke(args=["user", "set-password", "agent.b", "--password-stdin"], input=f"faux\n{NEW}\n")
    assert wrong.exit_code == 2 and "Mot de passe actuel incorrect" in wrong.stderr
    weak = cli.invoke(args=["user", "set-password", "agent.b", "--password-stdin"],
                      input=f"{provisional}\naaaaaaaaaaaaaa\n")
    assert weak.exit_code == 2 and "répétition" in weak.stderr
    done = cli.invoke(args=["user", "set-password", "agent.b", "--password-stdin"], input=f"{provisional}\n{NEW}\n")
    assert done.exit_code == 0, done.output
    assert _agent("agent.b").must_change_password is False
    assert sign_in(app.test_client(), "agent.b", NEW).headers["Location"].endswith("/")
    assert "provisoire" not in cli.invoke(args=["user", "list"]).stdout


def test_guessing_the_current_password_is_throttled_like_a_sign_in(app, world, client_for, csrf) -> None:
    client = client_for("agent")
    for _ in range(5):
        assert "Mot de passe actuel incorrect" in _change(client, csrf, "pas-le-bon-mot-de-passe", NEW).get_data(
            as_text=True)
    refused = _change(client, csrf, PASSWORD, NEW)  # even the right one, until the delay has passed
    assert refused.status_code == 400 and "Trop de tentatives" in refused.get_data(as_text=True)
    assert len(_audit("echec_changement_mot_de_passe")) == 6 and _audit("changement_mot_de_passe") == []
    assert sign_in(app.test_client(), "agent.a", NEW).status_code == 401
