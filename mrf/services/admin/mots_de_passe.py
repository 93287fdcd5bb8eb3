"""Passwords after creation: an administrator's reset (a provisional password shown once, to be changed
at the next sign-in) and a user's own change (current password required). Each is one transaction that
ends the user's other sign-in sessions and writes its audit line."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from ...extensions import db
from ...models import Agent, WebSession
from ...security import passwords, throttle
from ..errors import Introuvable, Refus
from . import audit
from .users import hash_password, wait_message

# No look-alike characters (0/O, 1/l/I): the provisional password is read aloud or copied by hand.
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP_LENGTH = 4, 4  # « k7mq-3xva-… »: 16 random characters, 80 bits


__all__ = ["Introuvable", "Refus", "MotDePasseActuelIncorrect", "MotDePasseRefuse", "Reinitialisation", "change",
           "provisional_password", "reset"]


class MotDePasseRefuse(Refus):
    """A new password refused by the policy (French message)."""


class MotDePasseActuelIncorrect(MotDePasseRefuse):
    """The current password given for a change is wrong."""


@dataclass(frozen=True)
class Reinitialisation:
    login: str
    provisional: str  # shown once to the administrator, never stored in clear nor written to the audit
    sessions_ended: int


def provisional_password() -> str:
    """A random password that passes the policy (groups of letters and digits, easy to read out)."""
    while True:
        candidate = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH))
                             for _ in range(_GROUPS))
        if not passwords.problems(candidate):
            return candidate


def _end_sessions(session: Session, agent_id: int, reason: str, keep_token_hash: str | None = None) -> int:
    """End the agent's open sign-in sessions (all but ``keep_token_hash``): an old password opens nothing."""
    query = update(WebSession).where(WebSession.agent_id == agent_id, WebSession.ended_at.is_(None))
    if keep_token_hash is not None:
        query = query.where(WebSession.token_hash != keep_token_hash)
    return session.execute(query.values(ended_at=datetime.now(UTC), end_reason=reason)).rowcount or 0


def _agent(session: Session, login: str | None = None, agent_id: int | None = None) -> Agent:
    condition = Agent.login == login if login is not None else Agent.id == agent_id
    agent = session.scalar(select(Agent).where(condition).with_for_update())
    if agent is None:
        raise Introuvable(f"Utilisateur inconnu : « {login} »." if login is not None else "Utilisateur inconnu.")
    return agent


def reset(by_agent_id: int | None, *, login: str | None = None, agent_id: int | None = None,
          ip: str | None = None, details: dict | None = None) -> Reinitialisation:
    """An administrator's reset: a new provisional password, to change at next sign-in; sessions ended."""
    provisional = provisional_password()
    now = datetime.now(UTC)
    with db.transaction() as session:
        agent = _agent(session, login, agent_id)
        if by_agent_id is not None and agent.id == by_agent_id:
            raise Refus("Votre propre mot de passe se change avec « Changer mon mot de passe » (le mot de passe "
                        "actuel est demandé), pas par une réinitialisation.")
        agent.password_hash = hash_password(provisional)
        agent.must_change_password = True
        agent.password_changed_at = now
        agent.failed_logins = 0
        agent.locked_until = None
        ended = _end_sessions(session, agent.id, "reinitialisation")
        audit.add(session, by_agent_id, "reinitialisation_mot_de_passe", "agent", agent.id,
                  {"login": agent.login, "sessions_fermees": ended, **(details or {})}, ip)
        return Reinitialisation(agent.login, provisional, ended)


def change(current: str, new: str, *, login: str | None = None, agent_id: int | None = None,
           keep_token_hash: str | None = None, ip: str | None = None, details: dict | None = None) -> int:
    """A user's own change (current password required); ends their other sessions, returns how many.

    A wrong current password counts as a failed sign-in (``mrf.security.throttle``): a session left open
    cannot be used to guess the password at leisure."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        agent = _agent(session, login, agent_id)
        address = ip or "inconnue"
        wait = throttle.wait_before(session, agent.login, address, now)
        wrong = wait.total_seconds() > 0 or not check_password_hash(agent.password_hash, current)
        if wrong:
            if wait.total_seconds() <= 0:
                throttle.record_failure(session, agent.login, address, now)
            audit.add(session, agent.id, "echec_changement_mot_de_passe", "agent", agent.id,
                      {"login": agent.login, **(details or {})}, ip)
    if wrong:  # after the commit: the failure and its audit line are kept
        if wait.total_seconds() > 0:
            raise MotDePasseActuelIncorrect(wait_message(wait.total_seconds()))
        raise MotDePasseActuelIncorrect("Mot de passe actuel incorrect.")
    if new == current:
        raise MotDePasseRefuse("Le nouveau mot de passe doit être différent de l'actuel.")
    with db.transaction() as session:
        agent = _agent(session, login, agent_id)
        if not check_password_hash(agent.password_hash, current):  # changed meanwhile by another session
            raise MotDePasseActuelIncorrect("Mot de passe actuel incorrect.")
        if refused := passwords.problems(new, agent.login, agent.display_name):
            raise MotDePasseRefuse(" ".join(refused))
        agent.password_hash = hash_password(new)
        agent.must_change_password = False
        agent.password_changed_at = now
        ended = _end_sessions(session, agent.id, "changement_mot_de_passe", keep_token_hash)
        audit.add(session, agent.id, "changement_mot_de_passe", "agent", agent.id,
                  {"login": agent.login, "sessions_fermees": ended, **(details or {})}, ip)
        return ended
