"""The créances of panel members, set-based: member → its merged family → records → créances.

One query per chunk of family ids (no per-member loop); each créance comes with its category in
the panels' vocabulary (hospital debts are their own category)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from ...models import Creance, RecordLink
from ..comptes import famille

#: Category of a créance in the panels' vocabulary, as a SQL expression.
CATEGORY = case((Creance.is_hospital.is_(True), "hopital"), else_=Creance.product)


@dataclass(frozen=True, slots=True)
class CreanceMembre:
    """One créance of a panel member, with what the evaluation needs of it."""

    creance_id: int
    member_id: int  # the PanelMember's redevable_id (root of the family at publication)
    category: str
    rar_cents: int
    status: str
    created_at: datetime  # when it reached the database (timezone-aware, UTC)


def aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back: they are UTC (``utcnow`` wrote them)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def family_owner(session: Session, member_ids: Iterable[int]) -> dict[int, int]:
    """Every account id of each member's family (member merged since, accounts merged into it) → member id."""
    members = sorted(set(member_ids))
    roots = famille.roots_of(session, members)
    owner: dict[int, int] = {}
    families = famille.families_of(session, set(roots.values()))
    for member in members:
        root = roots.get(member, member)
        for rid in families.get(root, (root,)):
            owner.setdefault(rid, member)
        owner[member] = member
    return owner


def member_creances(session: Session, member_ids: Iterable[int]) -> list[CreanceMembre]:
    """Every créance held by the members' families (cancelled ones included: callers filter)."""
    owner = family_owner(session, member_ids)
    ids = sorted(owner)
    out: list[CreanceMembre] = []
    seen: set[int] = set()
    for start in range(0, len(ids), famille.CHUNK):
        part = ids[start:start + famille.CHUNK]
        rows = session.execute(
            select(Creance.id, RecordLink.redevable_id, CATEGORY, Creance.rar_cents, Creance.status,
                   Creance.created_at)
            .join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
            .where(RecordLink.redevable_id.in_(part)))
        for cid, rid, category, rar, status, created in rows:
            if cid in seen:
                continue
            seen.add(cid)
            out.append(CreanceMembre(cid, owner[rid], category, int(rar), status, aware(created)))
    return out
