"""Who the command line acts as: the one seam between the CLI and the audit trail's actor."""

from __future__ import annotations

import getpass

from sqlalchemy import select

from ..extensions import db
from ..models import Agent


def utilisateur_systeme() -> str:
    """The operating-system user running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


def agent_cli() -> int | None:
    """The agent the CLI acts as: the active user whose login is the operating-system user, else None
    (the operating-system user is then written in the audit details by :func:`details_cli`)."""
    with db.new_session() as session:
        return session.scalar(select(Agent.id).where(Agent.login == utilisateur_systeme(), Agent.active.is_(True)))


def details_cli(details: dict | None = None) -> dict:
    """Audit details of a CLI action: the caller's details plus where it came from."""
    return {**(details or {}), "origine": "ligne de commande", "utilisateur_systeme": utilisateur_systeme()}
