"""User administration (administrateur): list, deactivate and reactivate accounts. Creation is
``users.create_user``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...extensions import db
from ...models import Agent, Structure
from . import audit


def list_users(session: Session) -> list[tuple[Agent, str | None]]:
    return list(session.execute(select(Agent, Structure.code).outerjoin(Structure, Structure.id == Agent.structure_id)
                                .order_by(Agent.login)))


def set_active(agent_id: int, active: bool, by_agent_id: int | None, ip: str | None = None) -> Agent:
    with db.transaction() as session:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise LookupError("Utilisateur inconnu.")
        if agent.id == by_agent_id and not active:
            raise ValueError("Vous ne pouvez pas désactiver votre propre compte.")
        agent.active = active
        if active:
            agent.failed_logins = 0
            agent.locked_until = None
        audit.add(session, by_agent_id, "activation_utilisateur" if active else "desactivation_utilisateur",
                  "agent", agent.id, {"login": agent.login}, ip)
        return agent


def structure_codes(session: Session) -> list[tuple[str, str]]:
    return [(code, name) for code, name in session.execute(select(Structure.code, Structure.name)
                                                           .order_by(Structure.code))]
