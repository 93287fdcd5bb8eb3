"""Plain CSV files → :class:`Record` objects (delimiter and encoding detected, rows grouped by id)."""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .records import ROLES, Record

ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (";", ",", "\t", "|")
_BLOCK = 1 << 20


class InputError(Exception):
    """A problem with the input files or options, with a French message for the user."""


@dataclass(frozen=True)
class ColumnMap:
    column: str
    role: str


def parse_maps(specs: Sequence[str]) -> list[ColumnMap]:
    """``["nom=last_name", …]`` → column maps; unknown roles are an error.

    Several columns may play one role: ``address`` joins them (address lines); for the other
    roles each file takes the first non-empty one, in the order given (``prenoms`` in one file,
    ``prenom`` in another)."""
    maps = []
    for spec in specs:
        if "=" not in spec:
            raise InputError(f"--map attend COLONNE=ROLE, reçu « {spec} »")
        column, role = (s.strip() for s in spec.rsplit("=", 1))
        if role not in ROLES:
            raise InputError(f"rôle inconnu « {role} » (rôles possibles : {', '.join(ROLES)})")
        if not column:
            raise InputError(f"colonne vide dans --map « {spec} »")
        maps.append(ColumnMap(column, role))
    roles: dict[str, str] = {}
    for m in maps:
        if roles.setdefault(m.column, m.role) != m.role:
            raise InputError(f"la colonne « {m.column} » a deux rôles : {roles[m.column]} et {m.role}")
    return maps


def file_encoding(path: Path) -> tuple[str, str]:
    """(encoding, SHA-256) of a whole file: UTF-8 (``utf-8-sig`` with a BOM) if every byte decodes
    as such, else Windows-1252. Read once in blocks (constant memory): an accented letter on the
    last line decides as much as one on the first. A binary file (NUL bytes) is refused; the
    message does not name the file (callers do)."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    utf8_ok = cp1252_ok = True
    first = b""
    try:
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                first = first or block[:4]
                digest.update(block)
                if b"\x00" in block:
                    raise InputError(
                        "Encodage illisible : le fichier contient des octets nuls (fichier binaire ou UTF-16 ?). "
                        "Encodages acceptés : UTF-8 ou Windows-1252.")
                if utf8_ok:
                    try:
                        utf8.decode(block)
                    except UnicodeDecodeError:
                        utf8_ok = False
                if cp1252_ok:
                    try:
                        cp1252.decode(block)
                    except UnicodeDecodeError:
                        cp1252_ok = False
    except OSError as exc:
        raise InputError(f"Fichier illisible ({exc.strerror or exc}).") from exc
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if utf8_ok:
        return ("utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"), digest.hexdigest()
    if cp1252_ok:
        return "cp1252", digest.hexdigest()
    raise InputError("Encodage illisible : le fichier n'est ni en UTF-8 ni en Windows-1252.")


def detect_format(path: Path) -> tuple[str, str]:
    """(encoding, delimiter) of a CSV file: see :func:`file_encoding`; the delimiter is the most
    frequent of ; , tab | on the header line. The header check and the reading of the records
    both ask: the whole file is decoded once per version of the file, not once per question."""
    try:
        stat = path.stat()
    except OSError:
        return _detect_format(path, None, None)  # _detect_format reports it
    return _detect_format(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _detect_format(path: Path, _size: int | None, _mtime_ns: int | None) -> tuple[str, str]:
    try:
        encoding, _ = file_encoding(path)
    except InputError as exc:
        raise InputError(f"{path} : {exc}") from None
    try:
        with path.open(encoding=encoding, newline="") as fh:
            first_line = fh.readline()
    except OSError as exc:
        raise InputError(f"fichier illisible : {path} ({exc.strerror or exc})") from exc
    counts = {d: first_line.count(d) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ";"
    return encoding, delimiter


def read_header(path: Path) -> list[str]:
    encoding, delimiter = detect_format(path)
    try:
        with path.open(encoding=encoding, newline="") as fh:
            return [h.strip() for h in next(csv.reader(fh, delimiter=delimiter), [])]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"fichier illisible : {path} ({exc})") from exc


def id_column_for(header: Sequence[str], id_column: str) -> str | None:
    """The id column of a file: ``id_column`` may list several names separated by commas (files
    keyed differently, e.g. ``numero_fiscal,id_debiteur,id_tiers``); the first present wins."""
    for name in (c.strip() for c in id_column.split(",")):
        if name in header:
            return name
    return None


def read_records(path: Path, source: str, id_column: str, maps: Sequence[ColumnMap]) -> list[Record]:
    """Records of one file: rows sharing an id are one record (the first non-empty value of each
    field wins). Mapped columns absent from this file are simply missing."""
    encoding, delimiter = detect_format(path)
    try:
        fh = path.open(encoding=encoding, newline="")
    except OSError as exc:
        raise InputError(f"fichier illisible : {path} ({exc.strerror or exc})") from exc
    with fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError(f"fichier vide : {path}") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"fichier illisible : {path} ({exc})") from exc
        found = id_column_for(header, id_column)
        if found is None:
            raise InputError(f"colonne d'identifiant « {id_column} » absente de {path}")
        id_pos = header.index(found)
        fields: list[tuple[int, str]] = [(header.index(m.column), m.role) for m in maps if m.column in header]
        singles = [(pos, role) for pos, role in fields if role != "address"]
        address_pos = [pos for pos, role in fields if role == "address"]
        width = len(header)
        by_id: dict[str, dict[str, object]] = {}
        try:
            for line_no, row in enumerate(reader, start=2):
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                rid = row[id_pos].strip()
                if not rid:
                    continue
                values = by_id.get(rid)
                if values is None:
                    values = by_id[rid] = {}
                for pos, role in singles:
                    if role not in values:
                        v = row[pos].strip()
                        if v:
                            values[role] = v
                if address_pos and "address" not in values:
                    lines = tuple(row[p].strip() for p in address_pos if row[p].strip())
                    if lines:
                        values["address"] = lines
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"fichier illisible : {path}, ligne {line_no} ({exc})") from exc
    return [Record(source=source, id=rid, **values) for rid, values in by_id.items()]  # type: ignore[arg-type]


def check_columns(paths: Sequence[Path], id_column: str, maps: Sequence[ColumnMap]) -> dict[Path, list[str]]:
    """Headers of every file; a mapped column absent from all files is an error."""
    headers = {p: read_header(p) for p in paths}
    for p, h in headers.items():
        if not any(h):
            raise InputError(f"fichier vide : {p} (pas de ligne d'en-tête)")
        doubled = sorted({c for c in h if c and h.count(c) > 1})
        if doubled:
            raise InputError(f"colonne en double dans l'en-tête de {p} : {', '.join(doubled)}")
        if id_column_for(h, id_column) is None:
            raise InputError(f"colonne d'identifiant « {id_column} » absente de {p}")
    for m in maps:
        if not any(m.column in h for h in headers.values()):
            raise InputError(f"colonne « {m.column} » (rôle {m.role}) absente de tous les fichiers")
    return headers
