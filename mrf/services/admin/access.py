"""Who may see what: the one place that states the access rules, used by every page, download
and form.

- ``agent`` and ``comptable``: the consolidated accounts of their structure only, i.e. accounts
  whose latest assignment is to the structure, or holding a créance the structure manages
  (Creance.structure_id, through SourceRecord → RecordLink → Redevable). Any other account is
  answered **404**, exactly as an account that does not exist: no existence leak.
- ``administration_centrale``: every account, the review queue, the panels, the dashboard.
- ``evaluateur``: aggregates only (dashboard), never an identity.
- ``administrateur``: users and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, aliased

from ...models import Assignment, Creance, RecordLink, Redevable, WorklistEntry
from ..comptes import famille
from .vocabulaire import ROLE_LABELS as ROLE_LABELS  # the label table lives with the vocabulary
from .vocabulaire import Role

AGENT = Role.AGENT
COMPTABLE = Role.COMPTABLE
CENTRALE = Role.ADMINISTRATION_CENTRALE
EVALUATEUR = Role.EVALUATEUR
ADMIN = Role.ADMINISTRATEUR


STRUCTURE_ROLES = frozenset({AGENT, COMPTABLE})
#: Roles that may see identities (names, accounts, search).
IDENTITY_ROLES = frozenset({AGENT, COMPTABLE, CENTRALE})
#: Roles that act on an account (SATD, payments, answers, requests).
ACTION_ROLES = frozenset({AGENT, COMPTABLE})
REVIEW_ROLES = frozenset({CENTRALE})
PANEL_ROLES = frozenset({CENTRALE})
DASHBOARD_ROLES = frozenset({EVALUATEUR, CENTRALE})
ADMIN_ROLES = frozenset({ADMIN})


class User(Protocol):
    id: int
    role: str
    structure_id: int | None


@dataclass(frozen=True)
class Scope:
    """What accounts a user may open: every one (``all``), those of one structure, or none."""

    all: bool
    structure_id: int | None

    @property
    def none(self) -> bool:
        return not self.all and self.structure_id is None


def scope_of(user: User) -> Scope:
    if user.role == CENTRALE:
        return Scope(all=True, structure_id=None)
    if user.role in STRUCTURE_ROLES and user.structure_id is not None:
        return Scope(all=False, structure_id=user.structure_id)
    return Scope(all=False, structure_id=None)


def assigned_to(structure_id: int) -> Any:
    """Select of redevable ids whose assignment in force is ``structure_id``."""
    newer = aliased(Assignment)
    return (select(Assignment.redevable_id)
            .where(Assignment.structure_id == structure_id)
            .where(~exists().where(newer.redevable_id == Assignment.redevable_id, newer.id > Assignment.id)))


def managed_by(structure_id: int) -> Any:
    """Select of redevable ids holding a créance that ``structure_id`` manages."""
    return (select(RecordLink.redevable_id)
            .join(Creance, Creance.source_record_id == RecordLink.source_record_id)
            .where(Creance.structure_id == structure_id))



def redevable_filter(user: User, column: Any = Redevable.id) -> ColumnElement[bool]:
    """A WHERE clause restricting ``column`` (a redevable id) to what ``user`` may see."""
    scope = scope_of(user)
    if scope.all:
        return column.is_not(None)
    if scope.structure_id is None:
        return column.is_(None)  # nothing
    sid = scope.structure_id
    return column.in_(assigned_to(sid)) | column.in_(managed_by(sid))


def listed_filter(user: User, column: Any = Redevable.id) -> ColumnElement[bool]:
    """The same rule as ``redevable_filter``, served by the work-list entries (one index range per
    structure instead of a join over every créance of the structure): for lists and searches over
    many accounts. Call ``worklist.sync_if_needed()`` first; opening an account still checks
    ``can_view`` live."""
    scope = scope_of(user)
    if scope.all:
        return column.is_not(None)
    if scope.structure_id is None:
        return column.is_(None)
    return column.in_(select(WorklistEntry.redevable_id).where(WorklistEntry.structure_id == scope.structure_id))


def can_view(session: Session, user: User, redevable_id: int) -> bool:
    """Whether ``user`` may open account ``redevable_id`` (a live, not merged, id)."""
    scope = scope_of(user)
    if scope.all:
        return True
    if scope.structure_id is None:
        return False
    sid = scope.structure_id
    latest = session.scalar(select(Assignment.structure_id).where(Assignment.redevable_id == redevable_id)
                            .order_by(Assignment.id.desc()).limit(1))
    if latest == sid:
        return True
    ids = famille.family_of(session, redevable_id)
    return session.scalar(select(exists().where(
        RecordLink.redevable_id.in_(ids),
        Creance.source_record_id == RecordLink.source_record_id,
        Creance.structure_id == sid))) or False


def resolve(session: Session, redevable_id: int) -> Redevable | None:
    """The live account for an id: follows ``merged_into_id`` (an id never changes meaning)."""
    root = famille.root_of(session, redevable_id)
    return None if root is None else session.get(Redevable, root)
