"""Roles of the users, stored as these exact strings in the database (``StrEnum``)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    COMPTABLE = "comptable"
    ADMINISTRATION_CENTRALE = "administration_centrale"
    EVALUATEUR = "evaluateur"
    ADMINISTRATEUR = "administrateur"


# Plain strings (not members): click.Choice and WTForms show members by name.
ROLES: tuple[str, ...] = tuple(r.value for r in Role)
ROLES_WITH_STRUCTURE: tuple[str, ...] = (Role.AGENT.value, Role.COMPTABLE.value)

ROLE_LABELS: dict[str, str] = {
    Role.AGENT: "Agent",
    Role.COMPTABLE: "Comptable",
    Role.ADMINISTRATION_CENTRALE: "Administration centrale",
    Role.EVALUATEUR: "Évaluateur",
    Role.ADMINISTRATEUR: "Administrateur",
}

__all__ = ["ROLES", "ROLES_WITH_STRUCTURE", "ROLE_LABELS", "Role"]
