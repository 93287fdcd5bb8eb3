"""Who may take a decision on an account: the checks shared by the decision use cases, so that the web
pages and the command line refuse exactly the same things (in French)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import Agent
from ..admin.access import ACTION_ROLES, COMPTABLE, can_view, resolve
from ..errors import Interdit, Introuvable, Refus

ROLE_LABELS = {"agent": "un agent", "comptable": "le comptable"}


def acting_agent(session: Session, agent_id: int | None, redevable_id: int, *, roles: frozenset[str] = ACTION_ROLES,
                 what: str = "agir sur ce compte") -> Agent:
    """The active agent ``agent_id``, with one of ``roles``, who may open account ``redevable_id``.

    Another structure's account answers :class:`Introuvable`, as if it did not exist (no existence leak)."""
    if agent_id is None:
        raise Interdit(f"Identifiez-vous pour {what} (mrf --as IDENTIFIANT en ligne de commande).")
    agent = session.get(Agent, int(agent_id))
    if agent is None or not agent.active:
        raise Interdit(f"Utilisateur inconnu ou désactivé : il ne peut {what}.")
    redevable = resolve(session, redevable_id)
    if redevable is None or not can_view(session, agent, redevable.id):
        raise Introuvable(f"Compte consolidé inconnu : {redevable_id}.")
    if agent.role not in roles:
        who = " ou ".join(ROLE_LABELS.get(r, r) for r in sorted(roles))
        raise Interdit(f"Seul {who} peut {what}.")
    return agent


def comptable(session: Session, agent_id: int | None, redevable_id: int, what: str) -> Agent:
    return acting_agent(session, agent_id, redevable_id, roles=frozenset({COMPTABLE}), what=what)


def reason_required(reason: str | None, what: str = "la décision") -> str:
    text = (reason or "").strip()
    if len(text) < 3:
        raise Refus(f"Indiquez le motif de {what}.")
    if len(text) > 2000:
        raise Refus("Motif trop long : 2 000 caractères au plus.")
    return text


__all__ = ["acting_agent", "comptable", "reason_required"]
