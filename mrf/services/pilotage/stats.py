"""Figures on what the database holds."""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...ingest.formats import Source
from ...models import Creance, Redevable, SourceRecord


def counts() -> dict:
    with db.new_session() as session:
        records = dict(session.execute(
            select(SourceRecord.source, func.count()).group_by(SourceRecord.source)).all())
        creances = dict(session.execute(
            select(Creance.product, func.count()).group_by(Creance.product)).all())
        redevables = session.scalar(
            select(func.count()).select_from(Redevable).where(Redevable.merged_into_id.is_(None)))
    return {
        "source_records": {s.value: records.get(s.value, 0) for s in Source},
        "creances": {s.value: creances.get(s.value, 0) for s in Source},
        "redevables": redevables or 0,
    }
