"""Import one source file into the database: streamed, set-based, atomic and idempotent.

The whole file is one transaction: a killed process or a database error leaves the database as it
was before the file. Lines are handled in chunks: each is bulk-loaded into staging tables, then merged
into the tables by a few set-based statements, so memory stays constant whatever the file size.

On SQLite the file is parsed and validated before the write transaction (into temporary tables, see
staging.prestage): the write lock, which every page writing an audit line waits for, is held only for
the merge (a fraction of a second for 20,000 lines, where parsing took seconds)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from matching.reference import load_reference

from ..extensions import db
from ..models import AuditLog, Creance, CreanceEvent, ImportBatch, SourceRecord, Structure
from . import situations, staging
from .bulk import insert_rows, reserve_ids
from .chunks import CHUNK_LINES, Chunk, conflict_reason, parsed_chunks
from .formats import FORMATS, Source
from .parse import CREANCE_FIELDS, IDENTITY_FIELDS
from .reader import FileRefused, SourceFile, open_source_file
from .staging import STAGED_CREANCES, STAGED_RECORDS, TRACKED_CREANCE_FIELDS


@dataclass
class ImportReport:
    source: str
    path: Path
    lines_read: int = 0
    rejected: int = 0
    creances_created: int = 0
    creances_changed: int = 0
    creances_unchanged: int = 0
    records_created: int = 0
    records_updated: int = 0
    duplicates: int = 0  # lines identical to an earlier line with the same reference, counted once
    rejects_path: Path | None = None
    batch_id: int | None = None
    new_record_ids: list[int] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.lines_read - self.rejected

    def summary(self) -> str:
        text = (f"{self.lines_read} lignes lues : {self.imported} valides, {self.rejected} rejetées. "
                + (f"{self.duplicates} lignes en double (identiques à une ligne précédente) comptées une fois. "
                   if self.duplicates else "")
                + f"Créances : {self.creances_created} nouvelles, {self.creances_changed} modifiées, "
                f"{self.creances_unchanged} inchangées. Débiteurs : {self.records_created} nouveaux, "
                f"{self.records_updated} mis à jour.")
        if self.rejects_path:
            text += f" Rejets et motifs : {self.rejects_path}"
        return text


# A spreadsheet takes a cell starting with one of these for a formula: the rejects file is opened in
# one to be corrected, so such a cell is written after an apostrophe, as OWASP recommends (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def spreadsheet_safe(cell: object) -> object:
    """CELL, with an apostrophe before it when a spreadsheet would read it as a formula."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) else cell


class _Rejects:
    """Rejected lines with their number and reason, written only if there is one."""

    def __init__(self, path: Path, header: tuple[str, ...], delimiter: str) -> None:
        self.path, self.header, self.delimiter = path, header, delimiter
        self._fh = None
        self._writer = None
        self.count = 0

    def add(self, line: int, reason: str, row: list[str]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._fh, delimiter=self.delimiter)
            self._writer.writerow(("ligne", "motif", *map(spreadsheet_safe, self.header)))
        self._writer.writerow((line, spreadsheet_safe(reason), *map(spreadsheet_safe, row)))
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()

    def discard(self) -> None:
        """Close and remove the file: the import failed, none of its lines was imported."""
        self.close()
        if self._writer is not None:
            self.path.unlink(missing_ok=True)


def default_rejects_path(path: Path) -> Path:
    return path.with_name(path.stem + ".rejets.csv")


def import_file(source: str, path: Path, rejects_path: Path | None = None, agent_id: int | None = None,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import a file of SOURCE; raises FileRefused (nothing imported) when it is not in the format."""
    try:
        fmt = FORMATS[Source(source)]
    except ValueError:
        raise FileRefused(f"Source inconnue « {source} » : impots, amendes ou secteur_local.") from None
    source_file = open_source_file(path, fmt)
    report = ImportReport(source=source, path=path)
    rejects = _Rejects(rejects_path or default_rejects_path(path), source_file.header, source_file.delimiter)
    repeated: dict[int, str] = {}  # lines repeating a reference of an earlier chunk, with other values

    def parsed(chunk: Chunk) -> Chunk:
        for line, reason, row in chunk.rejected:
            rejects.add(line, reason, row)
        chunk.rejected = []  # written: a prestaged chunk is kept until the write, without them
        report.lines_read += chunk.lines
        report.duplicates += chunk.duplicates
        if progress:
            progress(report.lines_read)
        return chunk

    try:
        with db.new_session() as session:  # read before any lock, as the reference below
            structures = dict(session.execute(select(Structure.code, Structure.id)).all())
        load_reference()
        assert db.engine is not None
        with db.engine.connect() as connection:  # one connection: SQLite's temporary tables are its own
            chunks = (parsed(c) for c in parsed_chunks(source_file, fmt, structures, CHUNK_LINES,
                                                       staging.encoder(connection.dialect.name)))
            if connection.dialect.name == "sqlite":
                chunks = iter(list(staging.prestage(connection, chunks)))  # parsed before the write lock
            connection.execution_options(mrf_write=True)  # SQLite: BEGIN IMMEDIATE (extensions.py)
            with Session(bind=connection, expire_on_commit=False) as session, session.begin():
                _write(session, source, source_file, path, agent_id, chunks, report, rejects, repeated)
    except BaseException:
        rejects.discard()
        raise
    rejects.close()
    if rejects.count:
        report.rejects_path = rejects.path
    return report


def _write(session: Session, source: str, source_file: SourceFile, path: Path, agent_id: int | None,
           chunks: Iterator[Chunk], report: ImportReport, rejects: _Rejects, repeated: dict[int, str]) -> None:
    """The import's write transaction: the batch, every chunk merged, the rejects, the audit line."""
    batch = ImportBatch(source=source, filename=path.name, sha256=source_file.sha256, agent_id=agent_id)
    session.add(batch)
    session.flush()
    staging.create(session)
    for chunk in chunks:
        _load_chunk(session, source, chunk, batch.id, report, repeated)
    staging.drop(session)
    if repeated:  # rare: their cells are read again from the file, for the rejects
        for line, row in source_file.rows():
            if line in repeated:
                rejects.add(line, repeated[line], row or [])
    report.rejected = rejects.count
    batch.lines_read = report.lines_read
    batch.lines_rejected = report.rejected
    batch.creances_created = report.creances_created
    batch.creances_changed = report.creances_changed
    batch.creances_unchanged = report.creances_unchanged
    batch.records_created = report.records_created
    batch.finished_at = datetime.now(UTC)
    session.add(AuditLog(agent_id=agent_id, action="import", object_type="import_batch",
                         object_id=str(batch.id), details={"source": source, "fichier": path.name,
                                                           "lignes": report.lines_read,
                                                           "rejets": report.rejected}))
    report.batch_id = batch.id
def _load_chunk(session: Session, source: str, chunk: Chunk, batch_id: int, report: ImportReport,
                repeated: dict[int, str]) -> None:
    """Merge CHUNK; its lines repeating a reference of an earlier chunk are counted as duplicates
    (same values) or added to REPEATED with their reason (other values), and not merged."""
    if not chunk.count:
        return
    now = datetime.now(UTC)
    staging.load(session, chunk)
    count = chunk.count
    for line, reference, first_line, same in staging.take_repeats(session, chunk.count):
        count -= 1
        if same:
            report.duplicates += 1
        else:
            repeated[line] = conflict_reason(reference, first_line)
    _merge_records(session, source, batch_id, now, report)
    _merge_creances(session, source, count, batch_id, now, report)
    situations.record_declared(session, source, chunk, batch_id)  # the single hook of mrf/ingest/situations.py


def _merge_records(session: Session, source: str, batch_id: int, now: datetime, report: ImportReport) -> None:
    """Staged debtors into source_record: a changed identity is updated, an unknown key inserted."""
    records, staged = SourceRecord.__table__, STAGED_RECORDS.c
    if staging.match_records(session, source):
        # One statement for the chunk (UPDATE … FROM the staging table), not one per debtor.
        updated = session.execute(
            update(records)
            .where(records.c.id == staged.record_id,
                   or_(*(staged["old_" + f].is_distinct_from(staged[f]) for f in IDENTITY_FIELDS)))
            .values(last_batch_id=batch_id, **{f: staged[f] for f in IDENTITY_FIELDS}))
        report.records_updated += updated.rowcount
    new = (select(literal(source), staged.source_key, *(staged[f] for f in IDENTITY_FIELDS),
                  literal(batch_id), literal(batch_id), literal(now, DateTime(timezone=True)))
           .where(staged.record_id.is_(None))
           .order_by(staged.seq))
    new_ids = session.scalars(
        insert(records)
        .from_select(["source", "source_key", *IDENTITY_FIELDS, "first_batch_id", "last_batch_id", "created_at"], new)
        .returning(records.c.id)).all()
    report.records_created += len(new_ids)
    report.new_record_ids.extend(sorted(new_ids))


def _merge_creances(session: Session, source: str, staged_count: int, batch_id: int, now: datetime,
                    report: ImportReport) -> None:
    """Staged créances into creance: a new reference is inserted; a known one whose values changed
    is updated and gets a CreanceEvent saying what changed."""
    creances, staged = Creance.__table__, STAGED_CREANCES.c
    existing = staging.match_creances(session, source)
    changed = []
    if existing:
        is_changed = or_(staged.old_source_record_id != staged.record_id,
                         *(staged["old_" + f].is_distinct_from(staged[f]) for f in TRACKED_CREANCE_FIELDS))
        # The changed rows, old and new values, for their events; then one UPDATE … FROM the
        # staging table for the chunk (per-row UPDATEs ran at a few thousand lines a second).
        changed = session.execute(
            select(staged.creance_id, staged.record_id, staged.old_source_record_id,
                   *(staged[f] for f in TRACKED_CREANCE_FIELDS),
                   *(staged["old_" + f] for f in TRACKED_CREANCE_FIELDS))
            .where(staged.creance_id.is_not(None), is_changed)).all()
        if changed:
            session.execute(
                update(creances).where(creances.c.id == staged.creance_id, is_changed)
                .values(source_record_id=staged.record_id, **{f: staged[f] for f in TRACKED_CREANCE_FIELDS}))
            _record_events(session, changed, batch_id, now)
    if existing < staged_count:
        new = (select(literal(source), *(staged[f] for f in CREANCE_FIELDS), staged.structure_id,
                      staging.debtor_id(source), literal(batch_id), literal(now, DateTime(timezone=True)))
               .where(staged.creance_id.is_(None))
               .order_by(staged.seq))
        session.execute(insert(creances).from_select(
            ["product", *CREANCE_FIELDS, "structure_id", "source_record_id", "batch_id", "created_at"], new))
    report.creances_created += staged_count - existing
    report.creances_changed += len(changed)
    report.creances_unchanged += existing - len(changed)


def _record_events(session: Session, changed: list, batch_id: int, now: datetime) -> None:
    """A CreanceEvent for each changed créance. CHANGED holds rows (creance_id, record_id,
    old_source_record_id, *TRACKED_CREANCE_FIELDS, *their old values), as `_merge_creances` selects
    them; they are read by position (a few hundred thousand rows for a file that changes a lot)."""
    width = len(TRACKED_CREANCE_FIELDS)
    rar, status = TRACKED_CREANCE_FIELDS.index("rar_cents"), TRACKED_CREANCE_FIELDS.index("status")
    events = []
    for event_id, row in zip(reserve_ids(session, CreanceEvent.__table__, len(changed)), changed, strict=True):
        creance_id, record_id, old_record_id = row[0], row[1], row[2]
        new, old = row[3:3 + width], row[3 + width:]
        changes = {f: [_jsonable(before), _jsonable(after)]
                   for f, before, after in zip(TRACKED_CREANCE_FIELDS, old, new, strict=True) if before != after}
        if old_record_id != record_id:
            changes["source_record_id"] = [old_record_id, record_id]
        cancelled = new[status] == "annulee" and old[status] != "annulee"
        events.append({"id": event_id, "creance_id": creance_id,
                       "kind": "annulation" if cancelled else "modification", "at": now, "batch_id": batch_id,
                       "rar_before_cents": old[rar], "rar_after_cents": new[rar], "changes": changes})
    insert_rows(session, CreanceEvent.__table__, events)


def _jsonable(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
