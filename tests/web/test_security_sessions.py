"""Sessions end when they should (logout, inactivity, a working day), sign-in throttling without
enumeration nor lockout of the rightful user, password policy on every form, bounded numbers in URLs."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from mrf.extensions import db
from mrf.models import AuditLog, SignInThrottle, WebSession

from .conftest import sign_in

PASSWORD = "cheval-agrafe-batterie-1"


def _session_data(app, client) -> dict:  # noqa: ANN001
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie("session").value)


def _client(app, ip: str = "127.0.0.1"):  # noqa: ANN001, ANN202
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _signed_in(app, login: str = "agent.a", ip: str = "127.0.0.1"):  # noqa: ANN001, ANN202
    client = _client(app, ip)
    assert sign_in(client, login).status_code == 302
    assert client.get("/travail").status_code == 200
    return client


def _is_sign_in_redirect(response) -> bool:  # noqa: ANN001
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_kept_from_before_logout_opens_nothing(app, world, csrf) -> None:
    client = _signed_in(app)
    kept = client.get_cookie("session").value
    assert client.post("/logout", data={"csrf_token": csrf(client, "/travail")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", kept)
    assert _is_sign_in_redirect(thief.get("/travail"))
    assert _is_sign_in_redirect(thief.get(f"/redevables/{world.mine}"))
    with db.new_session() as s:
        assert s.scalars(select(WebSession.end_reason)).all() == ["deconnexion"]


def test_sign_in_starts_a_new_session_and_csrf_token(app, world, csrf) -> None:
    client = app.test_client()
    before_token = csrf(client)
    before = _session_data(app, client)["csrf_token"]
    assert sign_in(client, "agent.a").status_code == 302
    assert _session_data(app, client).get("csrf_token") != before
    client.get("/travail")
    assert _session_data(app, client)["csrf_token"] != before
    # The token shown before sign-in no longer signs anything.
    assert client.post("/logout", data={"csrf_token": before_token}).status_code == 400


def test_idle_timeout_ends_the_session(app, world) -> None:
    client = _signed_in(app)
    with client.session_transaction() as sess:
        sess["mrf_vu"] -= 29 * 60
    assert client.get("/travail").status_code == 200  # 29 minutes: still open
    with client.session_transaction() as sess:
        sess["mrf_vu"] = int(time.time()) - 31 * 60
    response = client.get("/travail")
    assert _is_sign_in_redirect(response)
    assert "inactivité" in client.get("/login").get_data(as_text=True)
    with db.new_session() as s:
        assert s.scalars(select(WebSession.end_reason)).all() == ["inactivite"]


def test_idle_timeout_is_configurable(app, world) -> None:
    from mrf import create_app

    short = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "SESSION_COOKIE_SECURE": False,
                        "SESSION_IDLE_TIMEOUT": timedelta(minutes=5)})
    client = _signed_in(short)
    with client.session_transaction() as sess:
        sess["mrf_vu"] = int(time.time()) - 6 * 60
    assert _is_sign_in_redirect(client.get("/travail"))


def test_a_session_ends_after_a_working_day(app, world) -> None:
    client = _signed_in(app)
    with db.transaction() as s:
        s.execute(update(WebSession).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert _is_sign_in_redirect(client.get("/travail"))
    assert app.permanent_session_lifetime == timedelta(hours=10)


def test_a_thirty_day_old_signed_cookie_is_refused(app, world, monkeypatch) -> None:
    client = _signed_in(app)
    data = _session_data(app, client)
    serializer = app.session_interface.get_signing_serializer(app)
    real = time.time()
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real - 30 * 86400)
    old_cookie = serializer.dumps(data)
    monkeypatch.undo()
    fresh_cookie = serializer.dumps(data)
    replay = app.test_client()
    replay.set_cookie("session", fresh_cookie)
    assert replay.get("/travail").status_code == 200  # the same content signed now is accepted…
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert _is_sign_in_redirect(replay.get("/travail"))  # …signed 30 days ago, refused


def test_deactivated_agent_loses_an_open_session(app, world, client_for, csrf) -> None:
    client = _signed_in(app, "agent.b")
    admin = client_for("administrateur")
    with db.new_session() as s:
        from mrf.models import Agent

        agent_id = s.scalar(select(Agent.id).where(Agent.login == "agent.b"))
    admin.post(f"/administration/utilisateurs/{agent_id}/activation",
               data={"actif": "0", "csrf_token": csrf(admin, "/administration/utilisateurs")})
    assert _is_sign_in_redirect(client.get("/travail"))


# ------------------------------------------------------------------------------------------ throttling
def _attempt(client, csrf, login: str, password: str = "mauvais-mot-de-passe-1"):  # noqa: ANN001, ANN202
    return client.post("/login", data={"login": login, "password": password, "csrf_token": csrf(client)})


def test_unknown_and_known_logins_are_throttled_alike(app, world, csrf) -> None:
    attacker = _client(app, "10.0.0.66")
    known = [_attempt(attacker, csrf, "agent.a") for _ in range(7)]
    unknown = [_attempt(attacker, csrf, "agent.inconnu") for _ in range(7)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 7

    def messages(responses) -> list[str]:  # noqa: ANN001
        return ["Trop de tentatives" in r.get_data(as_text=True) for r in responses]

    assert messages(known) == messages(unknown) == [False] * 5 + [True] * 2
    with db.new_session() as s:
        failures = list(s.scalars(select(AuditLog).where(AuditLog.action == "echec_connexion")
                                  .order_by(AuditLog.id)))
    assert len(failures) == 14
    assert {f.ip for f in failures} == {"10.0.0.66"}
    unknown_lines = [f for f in failures if f.details["identifiant"] == "agent.inconnu"]
    assert [f.details["motif"] for f in unknown_lines] == ["identifiant_inconnu"] * 5 + [
        "tentatives_trop_nombreuses"] * 2
    assert all(f.agent_id is None for f in unknown_lines)


def test_an_attacker_cannot_keep_the_admin_out(app, world, csrf) -> None:
    attacker = _client(app, "10.0.0.66")
    for _ in range(12):
        _attempt(attacker, csrf, "admin")
    assert "Trop de tentatives" in _attempt(attacker, csrf, "admin", PASSWORD).get_data(as_text=True)
    admin = _client(app, "10.0.0.1")
    assert _attempt(admin, csrf, "admin", PASSWORD).status_code == 302


def test_per_login_limit_spares_the_agents_usual_address(app, world) -> None:
    from mrf.security import throttle
    from mrf.services.admin.users import authenticate

    with app.app_context():
        assert authenticate("agent.a", PASSWORD, "10.0.0.1").agent is not None  # the usual workstation
        now = datetime.now(UTC)
        with db.transaction() as s:
            for n in range(throttle.LOGIN.free_failures):  # a distributed attack: one try per address
                throttle.record_failure(s, "agent.a", f"192.0.2.{n % 250}", now)
        new_place = authenticate("agent.a", PASSWORD, "10.9.9.9")
        assert new_place.agent is None and "Trop de tentatives" in new_place.message
        assert authenticate("agent.a", PASSWORD, "10.0.0.1").agent is not None


def test_the_delay_grows_then_expires(app, world, csrf) -> None:
    from mrf.security import throttle

    assert [throttle.delay_after(n, throttle.LOGIN_ADDRESS).total_seconds() for n in (4, 5, 6, 7, 9, 40)] == [
        0, 30, 60, 120, 480, 900]
    client = app.test_client()
    for _ in range(5):
        _attempt(client, csrf, "agent.a")
    assert "réessayez dans 1 minute" in _attempt(client, csrf, "agent.a", PASSWORD).get_data(as_text=True)
    with db.transaction() as s:
        s.execute(update(SignInThrottle).values(next_allowed_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert _attempt(client, csrf, "agent.a", PASSWORD).status_code == 302


# ------------------------------------------------------------------------------------- password policy
@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", " " * 12, "azertyuiop12", "nouvel.agent-2026", "123456789012"])
def test_user_form_refuses_weak_passwords(world, client_for, csrf, weak: str) -> None:
    admin = client_for("administrateur")
    response = admin.post("/administration/utilisateurs", data={
        "login": "nouvel.agent", "role": "agent", "structure": "SIP-A", "password": weak,
        "csrf_token": csrf(admin, "/administration/utilisateurs")})
    assert response.status_code == 400
    assert "mot de passe" in response.get_data(as_text=True).lower()
    with db.new_session() as s:
        from mrf.models import Agent

        assert s.scalar(select(Agent.id).where(Agent.login == "nouvel.agent")) is None


def test_cli_refuses_twelve_spaces(app, world) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "agent.y", "--role", "evaluateur", "--password-stdin"],
                           input=" " * 12 + "\n")
    assert result.exit_code == 1 and "répétition" in result.output


# ---------------------------------------------------------------------------------- numbers in URLs
@pytest.mark.parametrize("path", ["/travail?page=99999999999999999999", "/travail?page=2147483648",
                                  "/redevables/99999999999999999999", "/travail?page=" + "9" * 5000])
def test_huge_numbers_are_not_found_rather_than_errors(world, client_for, path: str) -> None:
    assert client_for("agent").get(path).status_code == 404


@pytest.mark.parametrize(("role", "path"), [("administration_centrale", "/revue?page=99999999999999999999"),
                                            ("administrateur", "/administration/audit?page=99999999999999999999"),
                                            ("administration_centrale", "/travail?structure=99999999999999999999"),
                                            ("administrateur", "/administration/utilisateurs/99999999999/activation")])
def test_huge_numbers_for_other_roles(world, client_for, csrf, role: str, path: str) -> None:
    client = client_for(role)
    if path.endswith("activation"):
        response = client.post(path, data={"actif": "1", "csrf_token": csrf(client, "/administration/utilisateurs")})
    else:
        response = client.get(path)
    assert response.status_code == 404


def test_ordinary_pages_still_work(world, client_for) -> None:
    assert client_for("agent").get("/travail?page=2").status_code == 200
    assert client_for("agent").get("/travail?page=abc").status_code == 200


# ------------------------------------------------------------------------------------- refused access
def test_refused_access_is_in_the_audit_trail(world, client_for) -> None:
    agent = client_for("agent")
    assert agent.get(f"/redevables/{world.other}").status_code == 404  # another structure's account
    assert agent.get("/administration/audit").status_code == 403
    with db.new_session() as s:
        lines = list(s.scalars(select(AuditLog).where(AuditLog.action == "acces_refuse").order_by(AuditLog.id)))
    assert [(line.object_id, line.details["code"]) for line in lines] == [
        (f"/redevables/{world.other}", 404), ("/administration/audit", 403)]
    assert all(line.agent_id is not None and line.ip == "127.0.0.1" for line in lines)
