"""Audit of reads of nominative data: who read what, when, from where (IP on the web, the system user
on the command line). One function per kind of read, each one entry through the audit service."""

from __future__ import annotations

from collections.abc import Iterable

from ...jobs.acteur import agent_cli, details_cli
from . import audit

#: Ids kept in one entry: enough to know whose identities were shown, bounded for a long listing.
MAX_IDS = 500


def _ids(values: Iterable[int]) -> list[int]:
    return [int(v) for v in list(values)[:MAX_IDS]]


def liste_de_travail(agent_id: int, structure_id: int, page: int, redevable_ids: Iterable[int],
                     ip: str | None) -> None:
    audit.record(agent_id, "consultation_liste_travail", "structure", structure_id,
                 {"page": page, "comptes": _ids(redevable_ids)}, ip=ip)


def file_de_revue(agent_id: int, page: int, pair_ids: Iterable[int], ip: str | None) -> None:
    audit.record(agent_id, "consultation_revue", "match_pair", None, {"page": page, "paires": _ids(pair_ids)}, ip=ip)


def en_ligne_de_commande(action: str, object_type: str, object_id: object | None = None,
                         details: dict | None = None) -> None:
    """A CLI read: the agent the CLI acts as, and the operating-system user in the details."""
    audit.record(agent_cli(), action, object_type, object_id, details_cli(details))
