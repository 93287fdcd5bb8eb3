"""Agents: creation, sign-in with throttling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import Agent, AuditLog, Structure
from ..errors import Refus
from .vocabulaire import ROLES, ROLES_WITH_STRUCTURE

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
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
                display_name: str | None = None) -> Agent:
    if role not in ROLES:
        raise UserError(f"Rôle inconnu « {role} » ; rôles possibles : {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if role in ROLES_WITH_STRUCTURE and not structure_code:
        raise UserError(f"Le rôle « {role} » exige une structure (--structure CODE).")
    with db.transaction() as session:
        if session.scalar(select(Agent.id).where(Agent.login == login)) is not None:
            raise UserError(f"L'identifiant « {login} » existe déjà.")
        structure_id = None
        if structure_code:
            structure_id = session.scalar(select(Structure.id).where(Structure.code == structure_code))
            if structure_id is None:
                raise UserError(f"Structure inconnue : « {structure_code} ».")
        agent = Agent(login=login, role=role, password_hash=hash_password(password),
                      structure_id=structure_id, display_name=display_name)
        session.add(agent)
        session.flush()
        session.add(AuditLog(action="creation_utilisateur", object_type="agent", object_id=str(agent.id),
                             details={"login": login, "role": role, "structure": structure_code}))
        return agent


def authenticate(login: str, password: str, ip: str | None = None) -> LoginOutcome:
    """Check a password; lock the login for a while after repeated failures."""
    refused = "Identifiant ou mot de passe incorrect."
    now = datetime.now(timezone.utc)
    with db.transaction() as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
        if agent is None or not agent.active:
            check_password_hash(_DUMMY_HASH, password)
            return LoginOutcome(None, refused)
        locked_until = agent.locked_until
        if locked_until is not None and locked_until.tzinfo is None:
            locked_until = locked_until.replace(tzinfo=timezone.utc)
        if locked_until is not None and locked_until > now:
            return LoginOutcome(None, "Trop de tentatives : compte temporairement bloqué, réessayez plus tard.")
        if not check_password_hash(agent.password_hash, password):
            agent.failed_logins += 1
            if agent.failed_logins >= MAX_FAILURES:
                agent.locked_until = now + LOCK_DURATION
                agent.failed_logins = 0
            session.add(AuditLog(agent_id=agent.id, action="echec_connexion", object_type="agent",
                                 object_id=str(agent.id), ip=ip))
            return LoginOutcome(None, refused)
        agent.failed_logins = 0
        agent.locked_until = None
        session.add(AuditLog(agent_id=agent.id, action="connexion", object_type="agent",
                             object_id=str(agent.id), ip=ip))
        session.flush()
        session.expunge(agent)
        return LoginOutcome(agent, "")
