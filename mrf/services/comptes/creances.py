"""The créances of consolidated accounts and who pursues them: bulk readers, one query per kind of
row for any number of accounts (:class:`.famille.Familles`; one account is a list of one).

- :func:`read_creances`: the créances of every source record linked (``RecordLink``) to each family;
- :func:`comptable_rows`: the structures of those créances and the latest ``Assignment`` of each
  family, the assigned structure kept only when the account is a treated member of a panel (its
  scope names a structure);
- :func:`anv_decisions`: the latest ANV decision per créance on a date;
- :func:`paid_cents`: what the imputations put on each créance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panels.scope import Scope

from ...models import AnvDecision, Assignment, Creance, Imputation, RecordLink, Structure
from .famille import Familles, chunks


@dataclass(frozen=True)
class Comptables:
    """Who pursues an account's créances: the structures they name, the family's latest assignment, the
    structure assigned to the account (a treated member of a panel only)."""

    structures: dict[int, Structure]
    assignment: Assignment | None
    assigned: Structure | None


def read_creances(session: Session, familles: Familles, *, for_update: bool = False) -> dict[int, dict[int, Creance]]:
    """Per root, the créances of the records linked to its family, by id (ascending).

    ``for_update``: lock the rows until the end of the transaction (payments)."""
    out: dict[int, dict[int, Creance]] = {root: {} for root in familles.families}
    owner = familles.owner
    for part in chunks(familles.ids):
        q = (select(RecordLink.redevable_id, Creance)
             .join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
             .where(RecordLink.redevable_id.in_(part)).order_by(Creance.id))
        if for_update:
            q = q.with_for_update(of=Creance)
        for rid, c in session.execute(q):
            out[owner[rid]][c.id] = c
    return {root: dict(sorted(found.items())) for root, found in out.items()}


def comptable_rows(session: Session, familles: Familles, creances: Mapping[int, Mapping[int, Creance]],
                   scopes: Mapping[int, Scope]) -> dict[int, Comptables]:
    """Per root, who pursues its créances (``scopes``: each root's place in the panels).

    A témoin (no structure in its scope) has no assigned structure; a treated member only the one its
    panel assigned."""
    latest: dict[int, Assignment] = {}
    for part in chunks(familles.ids):
        for a in session.scalars(select(Assignment).where(Assignment.redevable_id.in_(part))):
            root = familles.owner[a.redevable_id]
            if root not in latest or a.id > latest[root].id:
                latest[root] = a
    wanted: dict[int, set[int]] = {}
    for root in familles.families:
        ids = {c.structure_id for c in creances[root].values()}
        assignment = latest.get(root)
        if scopes[root].structure is not None and assignment is not None and assignment.structure_id is not None:
            ids.add(assignment.structure_id)
        wanted[root] = ids
    every = {sid for ids in wanted.values() for sid in ids}
    structures = {s.id: s for part in chunks(every)
                  for s in session.scalars(select(Structure).where(Structure.id.in_(part)))}
    out = {}
    for root, ids in wanted.items():
        assignment = latest.get(root)
        treated = scopes[root].structure is not None and assignment is not None
        out[root] = Comptables({sid: structures[sid] for sid in ids if sid in structures}, assignment,
                               structures.get(assignment.structure_id) if treated else None)
    return out


def anv_decisions(session: Session, creance_ids: Iterable[int], on: date) -> dict[int, AnvDecision]:
    """The latest ANV decision of each créance taken by ``on``."""
    anv: dict[int, AnvDecision] = {}
    for part in chunks(creance_ids):
        for d in session.scalars(select(AnvDecision)
                                 .where(AnvDecision.creance_id.in_(part), AnvDecision.decided_on <= on)
                                 .order_by(AnvDecision.decided_on, AnvDecision.id)):
            anv[d.creance_id] = d
    return anv


def paid_cents(session: Session, creance_ids: Iterable[int]) -> dict[int, int]:
    """Cents imputed on each créance (the sum of its imputations)."""
    paid: dict[int, int] = defaultdict(int)
    for part in chunks(creance_ids):
        for cid, cents in session.execute(select(Imputation.creance_id, func.sum(Imputation.amount_cents))
                                          .where(Imputation.creance_id.in_(part)).group_by(Imputation.creance_id)):
            paid[cid] += int(cents or 0)
    return paid
