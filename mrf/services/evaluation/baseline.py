"""Baseline of a panel: each member's amount due per category, frozen inside the publication.

Choice on arrivals: no extra table. A créance of a member is an *arrival after publication* when
it reached the database (``Creance.created_at``) after the baseline was recorded
(``PanelBaseline.recorded_at``, the publication's own transaction time): the baseline holds
exactly the créances present then. The evaluation counts recoveries on baseline créances only and
shows arrivals apart. ``recorded_at`` rather than ``Panel.published_at`` because the demo dates
its publication back in time (the simulated months after it) while its créances are imported now.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ...models import PanelBaseline, PanelMember
from ...models.evaluation import CATEGORIES
from ..errors import Conflit
from .perimetre import CreanceMembre, aware, member_creances


def record_baseline(session: Session, panel_id: int, recorded_at: datetime | None = None) -> int:
    """Write the baseline of every member (treated and control) in the caller's transaction.

    Amount due = reste à recouvrer of the family's créances not cancelled, per category; a category
    with nothing due gets no row. Refused when the panel already has one (a baseline is never redone).
    Returns the number of rows written."""
    if session.scalar(select(PanelBaseline.id).where(PanelBaseline.panel_id == panel_id).limit(1)) is not None:
        raise Conflit("La base de référence de ce panel a déjà été figée : elle ne peut être refaite.")
    recorded_at = recorded_at or datetime.now(UTC)
    members = session.scalars(select(PanelMember.redevable_id).where(PanelMember.panel_id == panel_id)).all()
    due: dict[tuple[int, str], int] = defaultdict(int)
    for c in member_creances(session, members):
        if c.status != "annulee" and c.rar_cents > 0:
            due[(c.member_id, c.category)] += c.rar_cents
    rows = [{"panel_id": panel_id, "redevable_id": rid, "category": cat, "amount_cents": cents,
             "recorded_at": recorded_at} for (rid, cat), cents in sorted(due.items())]
    if rows:
        session.execute(insert(PanelBaseline), rows)
    return len(rows)


def baselines(session: Session, panel_id: int) -> dict[int, dict[str, int]]:
    """Member id → {category: cents due at publication}, categories in the panels' order."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    rows = session.execute(select(PanelBaseline.redevable_id, PanelBaseline.category, PanelBaseline.amount_cents)
                           .where(PanelBaseline.panel_id == panel_id))
    for rid, cat, cents in sorted(rows, key=lambda r: (r[0], _order(r[1]))):
        out[rid][cat] = int(cents)
    return dict(out)


def recorded_at(session: Session, panel_id: int) -> datetime | None:
    """When the baseline was frozen (None: the panel was never published with one)."""
    value = session.scalar(select(PanelBaseline.recorded_at).where(PanelBaseline.panel_id == panel_id).limit(1))
    return None if value is None else aware(value)


def is_arrival(c: CreanceMembre, frozen_at: datetime) -> bool:
    """A créance that reached the database after the baseline was frozen."""
    return c.created_at > frozen_at


def arrivals(session: Session, panel_id: int) -> dict[int, dict[str, int]]:
    """Member id → {category: amount still due on créances that arrived after publication}."""
    frozen_at = recorded_at(session, panel_id)
    if frozen_at is None:
        return {}
    members = session.scalars(select(PanelMember.redevable_id).where(PanelMember.panel_id == panel_id)).all()
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for c in member_creances(session, members):
        if is_arrival(c, frozen_at) and c.status != "annulee":
            out[c.member_id][c.category] = out[c.member_id].get(c.category, 0) + c.rar_cents
    return dict(out)


def member_details(session: Session, panel_id: int) -> dict[int, dict[str, dict[str, int]]]:
    """For ``mrf panel show``: member id → {"baseline": {...}, "arrivals": {...}}."""
    base, late = baselines(session, panel_id), arrivals(session, panel_id)
    return {rid: {"baseline": base.get(rid, {}), "arrivals": late.get(rid, {})} for rid in set(base) | set(late)}


def _order(category: str) -> int:
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)
