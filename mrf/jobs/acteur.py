"""Who the command line acts as: the one seam between the CLI and the audit trail's actor
(``mrf --as LOGIN``, ``MRF_AS``, else the operating-system user: :mod:`mrf.audit.actor`)."""

from __future__ import annotations

from ..audit import actor
from ..extensions import db


def utilisateur_systeme() -> str:
    """The operating-system user running the command."""
    return actor.system_user()


def agent_cli() -> int | None:
    """The agent the CLI acts as (``--as`` or the operating-system user's agent account), else None."""
    with db.new_session() as session:
        return actor.resolve(session).agent_id


def details_cli(details: dict | None = None) -> dict:
    """Audit details of a CLI action: where it came from, then the caller's details."""
    with db.new_session() as session:
        origin = actor.resolve(session).details()
    return {**origin, "origine": "ligne de commande", **(details or {})}
