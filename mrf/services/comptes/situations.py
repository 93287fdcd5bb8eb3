"""Read the situations in force of an account (surendettement, procédure collective, décès…) as the
poursuites library's values. Append-only rows: the one in force is the one no later row corrects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.model import Situation as SituationLibrary
from poursuites.model import SituationKind

from ...models import Situation


def rows_in_force(session: Session, family: Iterable[int]) -> list[Situation]:
    """The situation rows of the family not corrected by a later row, by date."""
    rows = list(session.scalars(select(Situation).where(Situation.redevable_id.in_(list(family)))
                                .order_by(Situation.started_on, Situation.id)))
    superseded = {r.supersedes_id for r in rows if r.supersedes_id}
    return [r for r in rows if r.id not in superseded]


def as_library(rows: Iterable[Situation]) -> tuple[SituationLibrary, ...]:
    return tuple(SituationLibrary(SituationKind(r.kind), r.started_on, r.source, r.reference, r.ended_on)
                 for r in rows)


def labels_in_force(session: Session, redevable_ids: Iterable[int], on: date) -> dict[int, list[str]]:
    """Per account (among ``redevable_ids``, surviving accounts), the kinds of its situations in force on
    ``on``: the work list shows them as badges."""
    out: dict[int, list[str]] = {}
    for row in rows_in_force(session, redevable_ids):
        if row.started_on <= on and (row.ended_on is None or on <= row.ended_on):
            kinds = out.setdefault(row.redevable_id, [])
            if row.kind not in kinds:
                kinds.append(row.kind)
    return out
