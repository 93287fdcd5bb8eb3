"""Agents: creation, sign-in with throttling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import Agent, AuditLog, Structure
from ...security import passwords, throttle
from ..errors import Refus
from .vocabulaire import ROLE_LABELS, ROLES, ROLES_WITH_STRUCTURE

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
# Compared against when the login is unknown, so that timing does not reveal which logins exist.
_DUMMY_HASH = generate_password_hash("mot-de-passe-factice")


class UserError(Refus):
    """A refused request, with a French message for the user."""


@dataclass
class LoginOutcome:
    agent: Agent | None
    message: str


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def create_user(login: str, role: str, password: str, structure_code: str | None = None,
                display_name: str | None = None, provisional: bool = False) -> Agent:
    """Create an agent; ``provisional``: the password was chosen by an administrator, changed at first sign-in."""
    if role not in ROLES:
        raise UserError(f"Rôle inconnu « {role} » ; rôles possibles : {', '.join(ROLES)}.")
    if refused := passwords.problems(password, login, display_name):
        raise UserError(" ".join(refused))
    if role in ROLES_WITH_STRUCTURE and not structure_code:
        raise UserError(f"Le rôle « {ROLE_LABELS.get(role, role)} » exige une structure.")
    with db.transaction() as session:
        if session.scalar(select(Agent.id).where(Agent.login == login)) is not None:
            raise UserError(f"L'identifiant « {login} » existe déjà.")
        structure_id = None
        if structure_code:
            structure_id = session.scalar(select(Structure.id).where(Structure.code == structure_code))
            if structure_id is None:
                raise UserError(f"Structure inconnue : « {structure_code} ».")
        agent = Agent(login=login, role=role, password_hash=hash_password(password),
                      structure_id=structure_id, display_name=display_name, must_change_password=provisional)
        session.add(agent)
        session.flush()
        session.add(AuditLog(action="creation_utilisateur", object_type="agent", object_id=str(agent.id),
                             details={"login": login, "role": role, "structure": structure_code}))
        return agent


def wait_message(wait_seconds: float) -> str:
    minutes = max(1, -(-int(wait_seconds) // 60))
    return f"Trop de tentatives : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."


def authenticate(login: str, password: str, ip: str | None = None) -> LoginOutcome:
    """Check a password, throttled per (login, address), address and login (``mrf.security.throttle``).

    Unknown, deactivated and existing logins get the same messages, delays and work (one scrypt
    check); every failure is in the audit trail with its reason."""
    refused = "Identifiant ou mot de passe incorrect."
    now = datetime.now(UTC)
    address = ip or "inconnue"
    with db.transaction() as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
        agent_id = agent.id if agent is not None else None
        failure = {"identifiant": login[:64]}
        wait = throttle.wait_before(session, login, address, now)
        if wait.total_seconds() > 0:
            session.add(AuditLog(agent_id=agent_id, action="echec_connexion", object_type="agent",
                                 object_id=None if agent_id is None else str(agent_id), ip=ip,
                                 details={**failure, "motif": "tentatives_trop_nombreuses"}))
            return LoginOutcome(None, wait_message(wait.total_seconds()))
        if agent is None or not agent.active:
            check_password_hash(_DUMMY_HASH, password)
            reason = "identifiant_inconnu" if agent is None else "compte_desactive"
        elif not check_password_hash(agent.password_hash, password):
            reason = "mot_de_passe_errone"
        else:
            throttle.record_success(session, login, address, now)
            session.add(AuditLog(agent_id=agent.id, action="connexion", object_type="agent",
                                 object_id=str(agent.id), ip=ip))
            session.flush()
            session.expunge(agent)
            return LoginOutcome(agent, "")
        throttle.record_failure(session, login, address, now)
        session.add(AuditLog(agent_id=agent_id, action="echec_connexion", object_type="agent",
                             object_id=None if agent_id is None else str(agent_id), ip=ip,
                             details={**failure, "motif": reason}))
        return LoginOutcome(None, refused)
