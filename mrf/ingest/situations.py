"""Import step: the situations (surendettement, rétablissement personnel, procédure collective, décès)
that the extracts declare in their optional columns ``situation``, ``date_situation``,
``reference_situation`` (docs/formats.md).

Two steps, both set-based and idempotent:

- `record_declared` runs inside the import's transaction, once per chunk, after the chunk's debtors
  and créances are merged: each declaration is kept once per source record as a `SituationDeclaree`
  (which file, which line); a later file declaring the same kind, date and reference adds nothing.
- `record_on_accounts` turns the declarations of attached records into `Situation` rows of their
  account, source named after the extract: called by `record_declared` for records already attached,
  and by the matching service right after it attaches records. The same kind, date and reference on
  the same account (or on an account merged into it) is one situation, whichever extract or line
  declared it, however often; the situations recorded by hand are never touched (a correction by hand
  supersedes, it does not delete).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import DateTime, and_, bindparam, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from ..models import RecordLink, Redevable, Situation, SituationDeclaree, SourceRecord
from .chunks import Chunk
from .staging import STAGED_CREANCES


def record_declared(session: Session, source: str, chunk: Chunk, batch_id: int) -> int:
    """Keep the situations CHUNK's accepted lines declare, then record those of attached debtors on their
    accounts; returns the number of new declarations."""
    if not chunk.situations:
        return 0
    lines = [declared[0] for declared in chunk.situations]
    # the lines still staged: a line repeating a reference of an earlier chunk with other values was
    # taken out of the staging tables (rejected), and declares nothing
    kept = set(session.scalars(select(STAGED_CREANCES.c.line)
                               .where(STAGED_CREANCES.c.line.in_(bindparam("lines", expanding=True))),
                               {"lines": lines}))
    keys = sorted({declared[1] for declared in chunk.situations if declared[0] in kept})
    if not keys:
        return 0
    records = dict(session.execute(select(SourceRecord.source_key, SourceRecord.id)
                                   .where(SourceRecord.source == source,
                                          SourceRecord.source_key.in_(bindparam("keys", expanding=True))),
                                   {"keys": keys}).all())
    table = SituationDeclaree.__table__
    known = set(session.execute(select(table.c.source_record_id, table.c.kind, table.c.started_on, table.c.reference)
                                .where(table.c.source_record_id.in_(bindparam("ids", expanding=True))),
                                {"ids": sorted(records.values())}).all())
    now = datetime.now(UTC)
    rows = []
    for line, key, kind, day, reference in chunk.situations:
        if line not in kept or key not in records:
            continue
        started_on = date.fromisoformat(day)
        identity = (records[key], kind, started_on, reference)
        if identity in known:
            continue
        known.add(identity)
        rows.append({"source_record_id": records[key], "kind": kind, "started_on": started_on,
                     "reference": reference, "batch_id": batch_id, "line": line, "recorded_at": now})
    if rows:  # few: most lines declare no situation
        session.execute(insert(table), rows)
    record_on_accounts(session, sorted(records.values()))
    return len(rows)


def record_on_accounts(session: Session, record_ids: Sequence[int] | None = None) -> int:
    """A Situation on the account of each attached record (among RECORD_IDS, or all) for every declaration
    not recorded yet; returns the number of situations created."""
    declared, situations, links = SituationDeclaree.__table__, Situation.__table__, RecordLink.__table__
    pending = declared.c.situation_id.is_(None)
    if record_ids is not None:
        if not record_ids:
            return 0
        pending = and_(pending, declared.c.source_record_id.in_(bindparam("ids", expanding=True)))
    params = {"ids": list(record_ids)} if record_ids is not None else {}
    # the account or an account merged into it (the family's rows are read together)
    accounts = Redevable.__table__
    family = select(accounts.c.id).where(or_(accounts.c.id == links.c.redevable_id,
                                             accounts.c.merged_into_id == links.c.redevable_id))
    same = and_(situations.c.redevable_id.in_(family), situations.c.kind == declared.c.kind,
                situations.c.started_on == declared.c.started_on, situations.c.reference == declared.c.reference)
    records = SourceRecord.__table__
    # One row per (account, kind, date, reference): two records of one account, or two extracts, declaring
    # the same situation make one Situation, named after the first extract that declared it.
    new = (select(links.c.redevable_id, declared.c.kind, declared.c.started_on, func.min(records.c.source),
                  declared.c.reference, literal(datetime.now(UTC), DateTime(timezone=True)))
           .select_from(declared.join(links, links.c.source_record_id == declared.c.source_record_id)
                        .join(records, records.c.id == declared.c.source_record_id))
           .where(pending, ~exists().where(same))
           .group_by(links.c.redevable_id, declared.c.kind, declared.c.started_on, declared.c.reference))
    created = session.execute(
        insert(situations).from_select(["redevable_id", "kind", "started_on", "source", "reference", "recorded_at"],
                                       new), params).rowcount
    # every pending declaration of an attached record now has its situation on the account: point to it
    link = (select(func.min(situations.c.id))
            .where(links.c.source_record_id == declared.c.source_record_id, same)
            .scalar_subquery())
    attached = exists().where(links.c.source_record_id == declared.c.source_record_id)
    session.execute(update(declared).where(pending, attached).values(situation_id=link), params)
    return created
