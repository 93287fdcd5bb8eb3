"""Demo accounts: one per role, on the experimental structures, with generated passwords printed
once (never stored in clear, never in the repository)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import select

from ..extensions import db
from ..models import Agent, Structure
from ..security import passwords
from ..services.admin import users as user_service

Say = Callable[[str], None]

# (login, role, structure code, display name)
DEMO_USERS: tuple[tuple[str, str, str | None, str], ...] = (
    ("agent.auxerre", "agent", "SIP-AUXERRE", "Agent du SIP d'Auxerre"),
    ("comptable.auxerre", "comptable", "SIP-AUXERRE", "Comptable du SIP d'Auxerre"),
    ("agent.le-puy", "agent", "SIP-LE-PUY", "Agent du SIP du Puy-en-Velay"),
    ("agent.nevers", "agent", "TM-NEVERS", "Agent de la trésorerie de Nevers"),
    ("agent.ta06", "agent", "TA-06", "Agent de la trésorerie amendes des Alpes-Maritimes"),
    ("agent.sens", "agent", "SIP-SENS", "Agent du SIP de Sens (hors expérimentation)"),
    ("centrale", "administration_centrale", None, "Administration centrale"),
    ("evaluateur", "evaluateur", None, "Évaluateur"),
    ("admin", "administrateur", None, "Administrateur"),
)


def create_demo_users(say: Say) -> dict[str, str]:
    """Create the demo accounts that do not exist yet; print each new password once.
    Returns login → password for the accounts created."""
    with db.new_session() as session:
        existing = set(session.scalars(select(Agent.login)))
        structures = set(session.scalars(select(Structure.code)))
    created: dict[str, str] = {}
    lines = []
    for login, role, structure, name in DEMO_USERS:
        if login in existing:
            lines.append(f"  {login:<20} {role:<24} existe déjà (mot de passe inchangé)")
            continue
        if structure is not None and structure not in structures:
            lines.append(f"  {login:<20} {role:<24} non créé : structure {structure} absente")
            continue
        password = _password(login, name)
        user_service.create_user(login, role, password, structure, name)
        created[login] = password
        lines.append(f"  {login:<20} {role:<24} {structure or '':<12} mot de passe : {password}")
    say("Comptes de démonstration (mots de passe affichés une seule fois) :")
    for line in lines:
        say(line)
    return created


def _password(login: str, name: str | None) -> str:
    """A random password the policy accepts (a random one may, by chance, contain a word of the name)."""
    while True:
        password = secrets.token_urlsafe(12)
        if not passwords.problems(password, login, name):
            return password
