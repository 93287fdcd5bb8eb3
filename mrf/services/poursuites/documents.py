"""Issued documents: numbering per series, year and structure, rendering, archiving.

Numbers look like ``SATD-2026-SIP-AUXERRE-000123``: one sequence per (series, structure, year)
in ``document_sequence``, taken by an ``UPDATE … RETURNING`` that locks the row until the issuing
transaction ends — no gap (a rolled-back issue gives its numbers back), no duplicate (and
``document.number`` is unique anyway). A ``Document`` keeps the HTML, the PDF and the PDF's
SHA-256; it is never updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from poursuites.documents import RenderedDocument, Ventilation, render_satd_redevable, render_satd_tiers
from poursuites.satd import Satd

from ...models import Creance, Document, DocumentSequence, Structure

NUMBER_MAX = 40  # document.number
DIGITS = 6


def next_numbers(session: Session, series: str, structure: Structure, year: int, count: int = 1) -> list[str]:
    """``count`` consecutive numbers of ``series`` for ``structure`` and ``year``."""
    if count < 1:
        raise ValueError("count must be positive")
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(DocumentSequence).values(series=series, structure_id=structure.id, year=year,
                                                    last_number=0).on_conflict_do_nothing())
    last = session.execute(
        update(DocumentSequence)
        .where(DocumentSequence.series == series, DocumentSequence.structure_id == structure.id,
               DocumentSequence.year == year)
        .values(last_number=DocumentSequence.last_number + count)
        .returning(DocumentSequence.last_number)
    ).scalar_one()
    prefix = f"{series}-{year}-"
    code = structure.code[: NUMBER_MAX - len(prefix) - DIGITS - 1]
    return [f"{prefix}{code}-{n:0{DIGITS}d}" for n in range(last - count + 1, last + 1)]


def store(session: Session, number: str, kind: str, redevable_id: int, acte_id: int | None,
          rendered: RenderedDocument, agent_id: int | None) -> Document:
    doc = Document(number=number, kind=kind, redevable_id=redevable_id, acte_id=acte_id, sha256=rendered.sha256,
                   html=rendered.html, pdf=rendered.pdf, agent_id=agent_id)
    session.add(doc)
    return doc


def ventilations(session: Session, creance_ids: Iterable[str]) -> dict[str, Ventilation | None]:
    """Principal and majorations of each créance (by its id as text, as the acts carry it), None when its
    extract did not give them: the acts then say "non ventilé"."""
    ids = sorted({int(i) for i in creance_ids})
    rows = session.execute(select(Creance.id, Creance.principal_cents, Creance.majorations_cents)
                           .where(Creance.id.in_(ids))) if ids else ()
    return {str(cid): Ventilation(int(principal), int(majorations))
            if principal is not None and majorations is not None else None
            for cid, principal, majorations in rows}


def issue_satd_documents(session: Session, satd: Satd, structure: Structure, redevable_id: int, acte_id: int,
                         agent_id: int | None) -> list[Document]:
    """The notice to the tiers and the notification to the debtor, numbered and stored."""
    numbers: Sequence[str] = next_numbers(session, "SATD", structure, satd.date.year, 2)
    known = ventilations(session, (line.creance_id for line in satd.lines))
    tiers = render_satd_tiers(satd, numbers[0], known)
    redevable = render_satd_redevable(satd, numbers[1], known)
    return [
        store(session, numbers[0], "satd_tiers", redevable_id, acte_id, tiers, agent_id),
        store(session, numbers[1], "satd_redevable", redevable_id, acte_id, redevable, agent_id),
    ]


__all__ = ["issue_satd_documents", "next_numbers", "store", "ventilations"]
