"""Import one source file into the database: streamed, set-based, atomic and idempotent.

The whole file is one transaction: a killed process or a database error leaves the database as it
was before the file. Lines are handled in chunks with one query per chunk and table, so memory stays
constant whatever the file size."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditLog, Creance, CreanceEvent, ImportBatch, SourceRecord, Structure
from .bulk import insert_rows, reserve_ids
from .chunks import parsed_chunks
from .formats import FORMATS, Source
from .parse import ParsedLine
from .reader import FileRefused, open_source_file

CHUNK_LINES = 5000
IDENTITY_FIELDS = ("numero_fiscal", "nom", "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance",
                   "date_naissance_brute", "lieu_naissance", "numero_voie", "voie", "complement_adresse",
                   "code_postal", "commune", "code_insee")
TRACKED_CREANCE_FIELDS = ("amount_initial_cents", "rar_cents", "status", "structure_id", "nature",
                          "creditor_code", "creditor_name", "date_exigibilite", "date_prise_en_charge")


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
    rejects_path: Path | None = None
    batch_id: int | None = None
    new_record_ids: list[int] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.lines_read - self.rejected

    def summary(self) -> str:
        text = (f"{self.lines_read} lignes lues : {self.imported} valides, {self.rejected} rejetées. "
                f"Créances : {self.creances_created} nouvelles, {self.creances_changed} modifiées, "
                f"{self.creances_unchanged} inchangées. Débiteurs : {self.records_created} nouveaux, "
                f"{self.records_updated} mis à jour.")
        if self.rejects_path:
            text += f" Rejets et motifs : {self.rejects_path}"
        return text


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
            self._writer.writerow(("ligne", "motif", *self.header))
        self._writer.writerow((line, reason, *row))
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


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
    try:
        with db.transaction() as session:
            structures = dict(session.execute(select(Structure.code, Structure.id)).all())
            batch = ImportBatch(source=source, filename=path.name, sha256=source_file.sha256, agent_id=agent_id)
            session.add(batch)
            session.flush()
            for chunk in parsed_chunks(source_file, fmt, set(structures), CHUNK_LINES):
                for line, reason, row in chunk.rejected:
                    rejects.add(line, reason, row)
                report.lines_read += chunk.lines
                _load_chunk(session, source, chunk.parsed, structures, batch.id, report)
                if progress:
                    progress(report.lines_read)
            report.rejected = rejects.count
            batch.lines_read = report.lines_read
            batch.lines_rejected = report.rejected
            batch.creances_created = report.creances_created
            batch.creances_changed = report.creances_changed
            batch.creances_unchanged = report.creances_unchanged
            batch.records_created = report.records_created
            batch.finished_at = datetime.now(timezone.utc)
            session.add(AuditLog(agent_id=agent_id, action="import", object_type="import_batch",
                                 object_id=str(batch.id), details={"source": source, "fichier": path.name,
                                                                   "lignes": report.lines_read,
                                                                   "rejets": report.rejected}))
            report.batch_id = batch.id
    finally:
        rejects.close()
    if rejects.count:
        report.rejects_path = rejects.path
    return report


def _load_chunk(session: Session, source: str, parsed: list[ParsedLine], structures: dict[str, int],
                batch_id: int, report: ImportReport) -> None:
    if not parsed:
        return
    # One identity per debtor key: the last line of the chunk wins (files are in date order).
    identities: dict[str, dict] = {}
    for p in parsed:
        identities[p.source_key] = p.identity
    record_ids = _upsert_records(session, source, identities, batch_id, report)

    creances: dict[str, dict] = {}
    for p in parsed:
        values = dict(p.creance)
        values["source_record_id"] = record_ids[p.source_key]
        values["structure_id"] = structures[p.structure_code]
        values["batch_id"] = batch_id
        creances[values["reference"]] = values
    existing = {
        row.reference: row
        for row in session.execute(
            select(Creance.id, Creance.reference, Creance.source_record_id,
                   *(getattr(Creance, f) for f in TRACKED_CREANCE_FIELDS))
            .where(Creance.product == source, Creance.reference.in_(list(creances))))
    }
    new_rows, changed_rows, events = [], [], []
    now = datetime.now(timezone.utc)
    for reference, values in creances.items():
        old = existing.get(reference)
        if old is None:
            new_rows.append(values)
            continue
        changes = {f: [_jsonable(getattr(old, f)), _jsonable(values[f])]
                   for f in TRACKED_CREANCE_FIELDS if getattr(old, f) != values[f]}
        if old.source_record_id != values["source_record_id"]:
            changes["source_record_id"] = [old.source_record_id, values["source_record_id"]]
        if not changes:
            report.creances_unchanged += 1
            continue
        changed_rows.append({"id": old.id, **{f: values[f] for f in TRACKED_CREANCE_FIELDS},
                             "source_record_id": values["source_record_id"]})
        kind = "annulation" if values["status"] == "annulee" and old.status != "annulee" else "modification"
        events.append({"creance_id": old.id, "kind": kind, "at": now, "batch_id": batch_id,
                       "rar_before_cents": old.rar_cents, "rar_after_cents": values["rar_cents"],
                       "changes": changes})
    if new_rows:
        for creance_id, values in zip(reserve_ids(session, Creance.__table__, len(new_rows)), new_rows):
            values["id"] = creance_id
            values["created_at"] = now
        insert_rows(session, Creance.__table__, new_rows)
        report.creances_created += len(new_rows)
    if changed_rows:
        session.execute(update(Creance), changed_rows)
        session.execute(insert(CreanceEvent), events)
        report.creances_changed += len(changed_rows)


def _upsert_records(session: Session, source: str, identities: dict[str, dict], batch_id: int,
                    report: ImportReport) -> dict[str, int]:
    keys = list(identities)
    existing = {
        row.source_key: row
        for row in session.execute(
            select(SourceRecord.id, SourceRecord.source_key, *(getattr(SourceRecord, f) for f in IDENTITY_FIELDS))
            .where(SourceRecord.source == source, SourceRecord.source_key.in_(keys)))
    }
    ids = {key: row.id for key, row in existing.items()}
    new = [{"source": source, "source_key": key, "first_batch_id": batch_id, "last_batch_id": batch_id,
            "address_date": None, **identity}
           for key, identity in identities.items() if key not in existing]
    if new:
        now = datetime.now(timezone.utc)
        for record_id, values in zip(reserve_ids(session, SourceRecord.__table__, len(new)), new):
            values["id"] = record_id
            values["created_at"] = now
            ids[values["source_key"]] = record_id
        insert_rows(session, SourceRecord.__table__, new)
        report.records_created += len(new)
        report.new_record_ids.extend(r["id"] for r in new)
    updates = []
    for key, row in existing.items():
        identity = identities[key]
        if any(getattr(row, f) != identity[f] for f in IDENTITY_FIELDS):
            updates.append({"id": row.id, "last_batch_id": batch_id, **identity})
    if updates:
        session.execute(update(SourceRecord), updates)
        report.records_updated += len(updates)
    return ids


def _jsonable(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
