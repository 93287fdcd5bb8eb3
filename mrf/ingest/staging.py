"""Temporary staging tables for an import. Each chunk of the file is bulk-loaded into them (COPY on
PostgreSQL, ``executemany`` on SQLite); `match_records` and `match_creances` then fetch, for each
staged row, the id and current values of the existing row with the same key, and loader.py merges
the chunk with a few set-based statements. No existing row travels to Python, except changed ones.

On SQLite, where one writer locks the whole database, the parsed chunks are first kept in temporary
tables of the import's connection (`prestage`, before the write transaction: writing a temporary table
takes no lock on the database), so that the write transaction only copies them and merges: pages that
write (an audit line) never wait for the parsing of the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, ScalarSelect, String, Table, select, text
from sqlalchemy.orm import Session

from ..models import Creance, SourceRecord
from ..models.base import BigId
from .chunks import Chunk
from .parse import CREANCE_FIELDS, IDENTITY_FIELDS

# The créance values whose change is recorded as a CreanceEvent (with source_record_id).
# The breakdown follows the file like the amount it splits: a file without it leaves the créance "non
# ventilée" (an extract is the truth of its créances), never a breakdown of an amount it no longer has.
TRACKED_CREANCE_FIELDS = ("amount_initial_cents", "rar_cents", "status", "structure_id", "nature",
                          "creditor_code", "creditor_name", "date_exigibilite", "date_prise_en_charge",
                          "principal_cents", "majorations_cents")

_metadata = MetaData()


def _like(table: Table, names: Sequence[str], prefix: str = "") -> list[Column]:
    """Columns named as in TABLE (after PREFIX), of the same types, without indexes or constraints."""
    return [Column(prefix + name, table.c[name].type) for name in names]


_records, _creances = SourceRecord.__table__, Creance.__table__
# The loaded columns come first, in the orders of Chunk.records and Chunk.creances. The others
# receive the id and the current values (old_…) of the existing row with the same key, if any.
STAGED_RECORDS = Table(
    "mrf_stage_record", _metadata,
    Column("seq", Integer), Column("source_key", String(64)), *_like(_records, IDENTITY_FIELDS),
    Column("record_id", BigId), *_like(_records, IDENTITY_FIELDS, "old_"),
    prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
STAGED_CREANCES = Table(
    "mrf_stage_creance", _metadata,
    Column("seq", Integer), *_like(_creances, CREANCE_FIELDS), Column("source_key", String(64)),
    Column("structure_id", Integer), Column("line", Integer), Column("digest", BigInteger),
    Column("record_id", BigId), Column("creance_id", BigId),
    *_like(_creances, ("source_record_id", *TRACKED_CREANCE_FIELDS), "old_"),
    prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
_LOADED = {STAGED_RECORDS: 2 + len(IDENTITY_FIELDS), STAGED_CREANCES: 5 + len(CREANCE_FIELDS)}
# Every reference of the file so far, with its first line and that line's digest: a reference seen
# in an earlier chunk is found here (the file's references stay in the database, not in memory).
SEEN_REFERENCES = Table(
    "mrf_stage_seen", _metadata,
    Column("reference", _creances.c.reference.type, primary_key=True), Column("line", Integer),
    Column("digest", BigInteger), prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
_TABLES = (*_LOADED, SEEN_REFERENCES)
# SQLite only: every chunk's rows, numbered, parsed before the write transaction (see `prestage`).
_PRESTAGED = {table: Table(table.name.replace("stage", "prestage"), _metadata, Column("chunk", Integer),
                           *(Column(c.name, c.type) for c in list(table.c)[:_LOADED[table]]),
                           prefixes=["TEMPORARY"])
              for table in _LOADED}


def create(session: Session) -> None:
    """The staging tables, empty, for this transaction's connection."""
    connection = session.connection()
    for table in _TABLES:
        table.drop(connection, checkfirst=True)  # left by an earlier import on this SQLite connection
        table.create(connection)


def drop(session: Session) -> None:
    connection = session.connection()
    for table in _TABLES:
        table.drop(connection)
    for table in _PRESTAGED.values():
        table.drop(connection, checkfirst=True)


def encoder(dialect: str) -> Callable[[list[tuple]], object]:
    """How the parser process encodes a chunk's rows for `load`: COPY text for PostgreSQL (so that
    the writer, which waits on the database, does not format rows), the tuples as they are for SQLite."""
    return copy_text if dialect == "postgresql" else list


def copy_text(rows: list[tuple]) -> str:
    """ROWS in the text format of COPY … WITH (NULL ''): the parser gives None, never an empty
    string, for a missing value. The csv module puts a backslash before tabs, backslashes and the
    characters of the line terminator, hence CRLF: a carriage return in a value is escaped too."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, escapechar="\\",
               lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def prestage(connection: Connection, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    """SQLite: keep each chunk's rows in temporary tables of CONNECTION, in a transaction that writes no
    table of the database; yield each chunk without its rows (``prestaged`` gives its number), for
    `load` to take them back inside the write transaction. `drop` removes these tables."""
    for table in _PRESTAGED.values():
        table.drop(connection, checkfirst=True)
        table.create(connection)
        connection.exec_driver_sql(f"CREATE INDEX {table.name}_chunk ON {table.name} (chunk)")
    connection.commit()
    raw = connection.connection.driver_connection
    for number, chunk in enumerate(chunks):
        with connection.begin():
            for table, rows in ((STAGED_RECORDS, chunk.records), (STAGED_CREANCES, chunk.creances)):
                raw.executemany(f"INSERT INTO {_PRESTAGED[table].name} (chunk, {_loaded(table)}) "
                                f"VALUES (?, {', '.join('?' * _LOADED[table])})",
                                ((number, *row) for row in rows))
        chunk.records = chunk.creances = None
        chunk.prestaged = number
        yield chunk


def load(session: Session, chunk: Chunk) -> None:
    """Replace the staging tables' rows by those of CHUNK, encoded by `encoder` (or kept by `prestage`)."""
    connection = session.connection()
    raw = connection.connection.driver_connection
    if chunk.prestaged is not None:
        for table, pre in _PRESTAGED.items():
            raw.execute(f"DELETE FROM {table.name}")
            raw.execute(f"INSERT INTO {table.name} ({_loaded(table)}) SELECT {_loaded(table)} FROM {pre.name} "
                        "WHERE chunk = ? ORDER BY rowid", (chunk.prestaged,))
        return
    if connection.dialect.name == "postgresql":
        # TRUNCATE rather than DELETE: 200 chunks of dead rows would slow every later scan.
        connection.execute(text(f"TRUNCATE {STAGED_RECORDS.name}, {STAGED_CREANCES.name}"))
        for table, rows in ((STAGED_RECORDS, chunk.records), (STAGED_CREANCES, chunk.creances)):
            with raw.cursor() as cursor, cursor.copy(
                    f"COPY {table.name} ({_loaded(table)}) FROM STDIN WITH (NULL '')") as copy:
                copy.write(rows)
        return
    for table, rows in ((STAGED_RECORDS, chunk.records), (STAGED_CREANCES, chunk.creances)):
        raw.execute(f"DELETE FROM {table.name}")
        raw.executemany(f"INSERT INTO {table.name} ({_loaded(table)}) "
                        f"VALUES ({', '.join('?' * _LOADED[table])})", rows)


def _loaded(table: Table) -> str:
    return ", ".join(column.name for column in list(table.c)[:_LOADED[table]])


# The existing rows are found by correlated subqueries: each staged row probes the unique index
# of the table. A join would leave the choice of plan to the statistics, and they know nothing of
# the rows this import has inserted so far (autovacuum only analyses committed rows): PostgreSQL
# then estimated a handful of rows per source and scanned the whole table once per chunk, so the
# import slowed down as the table grew. Only the staged rows that exist are updated: most are new.

def match_records(session: Session, source: str) -> int:
    """Fill record_id and old_… of the staged debtors that are already in source_record; returns
    their number."""
    staged = STAGED_RECORDS.name
    same_key = f"FROM source_record r WHERE r.source = :source AND r.source_key = {staged}.source_key"
    return session.execute(text(
        f"UPDATE {staged} SET (record_id, {_list('old_', IDENTITY_FIELDS)}) = "
        f"    (SELECT r.id, {_list('r.', IDENTITY_FIELDS)} {same_key}) "
        f"WHERE (SELECT r.id {same_key}) IS NOT NULL"), {"source": source}).rowcount


def match_creances(session: Session, source: str) -> int:
    """Fill creance_id, old_… and record_id of the staged créances that are already in creance;
    returns their number."""
    staged, old = STAGED_CREANCES.name, ("source_record_id", *TRACKED_CREANCE_FIELDS)
    same_key = f"FROM creance c WHERE c.product = :source AND c.reference = {staged}.reference"
    return session.execute(text(
        f"UPDATE {staged} SET "
        f"    (creance_id, {_list('old_', old)}) = (SELECT c.id, {_list('c.', old)} {same_key}), "
        f"    record_id = (SELECT r.id FROM source_record r "
        f"                 WHERE r.source = :source AND r.source_key = {staged}.source_key) "
        f"WHERE (SELECT c.id {same_key}) IS NOT NULL"), {"source": source}).rowcount


def take_repeats(session: Session, staged_count: int) -> list[tuple[int, str, int, bool]]:
    """Add the chunk's references to SEEN_REFERENCES; return the staged créances whose reference an
    earlier chunk of the file had, as (line, reference, first line, same values), taken out of the
    staging tables with the debtors left without a line. One INSERT when nothing repeats (the usual
    case); the repeated rows are then found by probing the unique index, as the matches below."""
    staged, records, seen = STAGED_CREANCES.name, STAGED_RECORDS.name, SEEN_REFERENCES.name
    ignore = ("INSERT OR IGNORE INTO", "") if session.get_bind().dialect.name == "sqlite" else (
        "INSERT INTO", " ON CONFLICT (reference) DO NOTHING")
    added = session.execute(text(f"{ignore[0]} {seen} (reference, line, digest) "
                                 f"SELECT reference, line, digest FROM {staged}{ignore[1]}")).rowcount
    if added == staged_count:
        return []
    first = f"FROM {seen} f WHERE f.reference = {staged}.reference"
    repeats = [(line, reference, first_line, same == digest) for line, reference, first_line, same, digest in
               session.execute(text(f"SELECT line, reference, (SELECT f.line {first}), (SELECT f.digest {first}), "
                                    f"digest FROM {staged} WHERE line <> (SELECT f.line {first}) ORDER BY 1"))]
    session.execute(text(f"DELETE FROM {staged} WHERE line <> (SELECT f.line {first})"))
    session.execute(text(f"DELETE FROM {records} WHERE source_key NOT IN (SELECT source_key FROM {staged})"))
    return repeats


def debtor_id(source: str) -> ScalarSelect:
    """The id in source_record of a staged créance's debtor, as a correlated subquery."""
    records = SourceRecord.__table__
    return (select(records.c.id)
            .where(records.c.source == source, records.c.source_key == STAGED_CREANCES.c.source_key)
            .scalar_subquery())


def _list(prefix: str, names: Sequence[str]) -> str:
    return ", ".join(prefix + name for name in names)
