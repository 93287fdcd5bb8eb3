"""Set-based writes for large imports: ids assigned up front, then one bulk statement per chunk.

PostgreSQL gets COPY (an order of magnitude faster than INSERT); SQLite gets the driver's
``executemany`` on one prepared statement. Values are converted once per column type, the way
SQLAlchemy stores them, so rows written here read back through the ORM unchanged. Both run inside
the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Table, func, select, text
from sqlalchemy.orm import Session


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids for COUNT new rows of TABLE. On SQLite the import holds the write lock (BEGIN
    IMMEDIATE), so max(id)+1… is safe; on PostgreSQL the sequence hands them out."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        sequence = f"{table.name}_id_seq"
        return list(session.execute(
            text("SELECT nextval(:seq) FROM generate_series(1, :n)"), {"seq": sequence, "n": count}).scalars())
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))


def _sqlite_datetime(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _converter(column_type: object, dialect: str) -> Callable[[object], object] | None:
    if isinstance(column_type, JSON):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if dialect == "postgresql":
        return None  # COPY's text format takes Python's str() of dates, datetimes and booleans
    if isinstance(column_type, DateTime):
        return lambda v: None if v is None else _sqlite_datetime(v)
    if isinstance(column_type, Date):
        return lambda v: None if v is None else date.isoformat(v)
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(v)
    return None


def insert_rows(session: Session, table: Table, rows: Sequence[dict]) -> None:
    """Insert ROWS (dicts with the same keys, ids included) as fast as the database allows."""
    if not rows:
        return
    columns = list(rows[0])
    connection = session.connection()
    dialect = connection.dialect.name
    converters = [_converter(table.c[c].type, dialect) for c in columns]
    converted = [(i, conv) for i, conv in enumerate(converters) if conv is not None]

    def values(row: dict) -> list:
        out = [row[c] for c in columns]
        for i, conv in converted:
            out[i] = conv(out[i])
        return out

    raw = connection.connection.driver_connection
    column_list = ", ".join(f'"{c}"' for c in columns)
    if dialect == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({column_list}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(values(row))
        return
    placeholders = ", ".join("?" for _ in columns)
    raw.executemany(f'INSERT INTO "{table.name}" ({column_list}) VALUES ({placeholders})',
                    [values(row) for row in rows])
