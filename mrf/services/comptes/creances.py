"""The créances of an account and who pursues them: one query per kind of row, for one account's
family or for many accounts' ids at once.

- :func:`read_creances`: the créances of every source record linked (``RecordLink``) to the ids;
- :func:`comptable_rows`: the structures of those créances and the latest ``Assignment`` of the
  family, kept only when the account is a treated member of a panel (its scope names a structure);
- :func:`anv_decisions`: the latest ANV decision per créance on a date;
- :func:`paid_cents`: what the imputations put on each créance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panels.scope import Scope

from ...models import AnvDecision, Assignment, Creance, Imputation, RecordLink, Structure


def read_creances(session: Session, redevable_ids: Iterable[int], *, for_update: bool = False) -> dict[int, Creance]:
    """The créances of the records linked to these accounts, by id (ascending).

    ``for_update``: lock the rows until the end of the transaction (payments)."""
    q = (select(Creance).join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
         .where(RecordLink.redevable_id.in_(list(redevable_ids))).order_by(Creance.id))
    if for_update:
        q = q.with_for_update(of=Creance)
    return {c.id: c for c in session.scalars(q)}


def comptable_rows(session: Session, family: Iterable[int], creances: Iterable[Creance],
                   scope: Scope) -> tuple[dict[int, Structure], Assignment | None, Structure | None]:
    """(structures by id, latest assignment of the family, structure assigned to the account).

    A témoin (no structure in its scope) has no assigned structure; a treated member only the one its
    panel assigned."""
    assignment = session.scalar(select(Assignment).where(Assignment.redevable_id.in_(list(family)))
                                .order_by(Assignment.id.desc()).limit(1))
    structure_ids = {c.structure_id for c in creances}
    treated = scope.structure is not None and assignment is not None
    if treated and assignment.structure_id is not None:
        structure_ids.add(assignment.structure_id)
    structures = {s.id: s for s in session.scalars(select(Structure).where(Structure.id.in_(structure_ids)))}
    assigned = structures.get(assignment.structure_id) if treated else None
    return structures, assignment, assigned


def anv_decisions(session: Session, creance_ids: Iterable[int], on: date) -> dict[int, AnvDecision]:
    """The latest ANV decision of each créance taken by ``on``."""
    cids = list(creance_ids)
    anv: dict[int, AnvDecision] = {}
    if cids:
        for d in session.scalars(select(AnvDecision)
                                 .where(AnvDecision.creance_id.in_(cids), AnvDecision.decided_on <= on)
                                 .order_by(AnvDecision.decided_on, AnvDecision.id)):
            anv[d.creance_id] = d
    return anv


def paid_cents(session: Session, creance_ids: Iterable[int]) -> dict[int, int]:
    """Cents imputed on each créance (the sum of its imputations)."""
    cids = list(creance_ids)
    paid: dict[int, int] = defaultdict(int)
    if cids:
        for cid, cents in session.execute(select(Imputation.creance_id, func.sum(Imputation.amount_cents))
                                          .where(Imputation.creance_id.in_(cids)).group_by(Imputation.creance_id)):
            paid[cid] += int(cents or 0)
    return paid
