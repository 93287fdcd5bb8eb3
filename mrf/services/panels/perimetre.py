"""A debtor's place in the experiment read from the database: the input of :mod:`panels.scope`.

The latest published panel holding any account of the family gives the group and the configuration;
the assignment in force (latest ``Assignment`` row of the family) gives the structure, for a treated
member only when it was made for that panel. A témoin never has an assigned structure."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from panels.lifecycle import PanelState
from panels.scope import Scope, ScopeGroup

from ...models import Assignment, Panel, PanelMember, Structure


def scope_of(session: Session, family_ids: Iterable[int]) -> Scope:
    """The scope of one consolidated account (``family_ids``: the account and those merged into it)."""
    family = list(family_ids)
    row = session.execute(
        select(Panel.id, Panel.name, Panel.configuration, PanelMember.group)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(PanelMember.redevable_id.in_(family), Panel.status == PanelState.PUBLISHED.value)
        .order_by(Panel.published_at.desc(), Panel.id.desc()).limit(1)).first()
    assignment = session.scalar(select(Assignment).where(Assignment.redevable_id.in_(family))
                                .order_by(Assignment.id.desc()).limit(1))
    code = None
    if assignment is not None and assignment.structure_id is not None:
        code = session.scalar(select(Structure.code).where(Structure.id == assignment.structure_id))
    if row is None:
        # an assignment outside any published panel (manual, older tools) keeps covering the whole account
        legacy = code if assignment is not None and assignment.panel_id is None else None
        return Scope(ScopeGroup.NONE, structure=legacy)
    panel_id, name, configuration, group = row
    if group == ScopeGroup.CONTROL.value:
        return Scope(ScopeGroup.CONTROL, name, configuration)
    in_force = code if assignment is not None and assignment.panel_id == panel_id else None
    return Scope(ScopeGroup.PANEL, name, configuration, in_force)


def scopes_of(session: Session, redevable_ids: Iterable[int]) -> dict[int, Scope]:
    """Group and panel of many accounts at once (work list rows; no structure: display only)."""
    ids = list(redevable_ids)
    if not ids:
        return {}
    found: dict[int, Scope] = {}
    for rid, name, configuration, group in session.execute(
            select(PanelMember.redevable_id, Panel.name, Panel.configuration, PanelMember.group)
            .join(Panel, Panel.id == PanelMember.panel_id)
            .where(PanelMember.redevable_id.in_(ids), Panel.status == PanelState.PUBLISHED.value)
            .order_by(Panel.published_at, Panel.id)):
        found[rid] = Scope(ScopeGroup(group), name, configuration)  # the latest published panel wins
    return {rid: found.get(rid, Scope()) for rid in ids}


#: Work list filter: key -> label.
GROUP_LABELS: dict[str, str] = {
    ScopeGroup.PANEL.value: "Traités", ScopeGroup.CONTROL.value: "Témoins (circuit habituel)",
    ScopeGroup.NONE.value: "Hors panel",
}


def members_in_group(group: str | None) -> Select:
    """SELECT of the redevable ids in ``group`` (panel, control) of a published panel; every member of a
    published panel when ``group`` is None (the complement is « hors panel »)."""
    q = (select(PanelMember.redevable_id).join(Panel, Panel.id == PanelMember.panel_id)
         .where(Panel.status == PanelState.PUBLISHED.value))
    return q if group is None else q.where(PanelMember.group == group)
