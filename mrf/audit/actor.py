"""Who runs a command line: ``mrf --as LOGIN …`` (or MRF_AS), else the operating-system user.

Resolved at each flush that needs it (one indexed read): the sealing of audit lines stamps it on every
line written without an agent outside a web request, so that no CLI action is anonymous."""

from __future__ import annotations

import getpass
import os
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Agent

_requested: ContextVar[str | None] = ContextVar("mrf_cli_as", default=None)


class UnknownActor(LookupError):
    """``--as`` names no active agent (French message)."""


@dataclass(frozen=True)
class CliActor:
    system_user: str
    login: str
    agent_id: int | None  # None when the operating-system user has no agent account

    def details(self) -> dict[str, str]:
        """What an audit line carries about a command-line author."""
        return {"canal": "cli", "utilisateur_systeme": self.system_user, "identifiant": self.login}


def request_login(login: str | None) -> None:
    """Remember ``--as LOGIN`` for this process (called by the ``mrf`` group)."""
    _requested.set(login or None)


def system_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        return f"uid-{os.getuid()}"


def resolve(session: Session, login: str | None = None) -> CliActor:
    """The actor for ``login``, else ``--as``/MRF_AS, else the operating-system user."""
    explicit = login or _requested.get() or os.environ.get("MRF_AS") or None
    user = system_user()
    name = explicit or user
    agent = session.scalar(select(Agent).where(Agent.login == name))
    if explicit and (agent is None or not agent.active):
        raise UnknownActor(f"Identifiant inconnu ou désactivé pour --as : « {name} ».")
    return CliActor(system_user=user, login=name, agent_id=agent.id if agent is not None and agent.active else None)
