"""Plain CSV files → :class:`Record` objects (delimiter and encoding detected, rows grouped by id)."""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from .records import ROLES, Record
from .text import fold

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
        with path.open("rb") as fh:
            first_line = next(_decoded_lines(fh), "")
    except OSError as exc:
        raise InputError(f"fichier illisible : {path} ({exc.strerror or exc})") from exc
    counts = {d: first_line.count(d) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ";"
    return encoding, delimiter


def _decoded_lines(fh: BinaryIO) -> Iterator[str]:
    """The lines of a binary file, each decoded as UTF-8 or, failing that, Windows-1252: a file
    where one line was typed on another system keeps its other lines right (``MÜLLER`` in
    UTF-8 beside ``MÜLLER`` in Windows-1252). A UTF-8 byte-order mark is dropped."""
    first = True
    for block in fh:
        for raw in block.splitlines(keepends=True):  # \r\n, \n, and \r alone (old Macs)
            if first and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            first = False
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield raw.decode("cp1252", errors="replace")


def _csv_message(exc: csv.Error) -> str:
    """A French reason for the csv module's errors."""
    text = str(exc)
    if "field larger than field limit" in text:
        return f"champ de plus de {csv.field_size_limit():,} caractères (guillemet ouvrant jamais fermé ?)".replace(
            ",", " ")
    if "new-line character" in text or "unexpected end of data" in text:
        return "fin de ligne à l'intérieur d'un champ (guillemet mal placé ?)"
    return "ligne CSV mal formée"


def read_header(path: Path) -> list[str]:
    _, delimiter = detect_format(path)
    try:
        with path.open("rb") as fh:
            return [h.strip() for h in next(csv.reader(_decoded_lines(fh), delimiter=delimiter), [])]
    except OSError as exc:
        raise InputError(f"fichier illisible : {path} ({exc.strerror or exc})") from exc
    except csv.Error as exc:
        raise InputError(f"fichier illisible : {path}, ligne 1 ({_csv_message(exc)})") from exc


def column_position(header: Sequence[str], column: str) -> int | None:
    """Position of a column in a header: its exact name, else the one name equal to it but for
    case, accents and spaces around (``Nom`` for ``nom``, ``Prénom`` for ``PRENOM``)."""
    if column in header:
        return list(header).index(column)
    key = fold(column)
    near = [i for i, h in enumerate(header) if fold(h) == key]
    return near[0] if len(near) == 1 else None


def id_column_for(header: Sequence[str], id_column: str) -> str | None:
    """The id column of a file: ``id_column`` may list several names separated by commas (files
    keyed differently, e.g. ``numero_fiscal,id_debiteur,id_tiers``); the first present wins."""
    for name in (c.strip() for c in id_column.split(",")):
        if (pos := column_position(header, name)) is not None:
            return header[pos]
    return None


#: at most this many faulty lines are named in an error message
_SHOWN = 5


def read_records(
    path: Path, source: str, id_column: str, maps: Sequence[ColumnMap], warn: Callable[[str], None] | None = None
) -> list[Record]:
    """Records of one file: rows sharing an id are one record (one row per créance), a value
    left empty on one row being taken from the next. Mapped columns absent from this file are
    simply missing.

    Refused with the faulty lines named (:class:`InputError`): a row with more or fewer fields
    than the header (a wrong separator, a quote never closed), a row without id. Rows of one id
    that give it different identities: the first row's identity is kept whole, and ``warn`` is
    told (nothing is mixed: no name of one row with the birth date of another)."""
    _, delimiter = detect_format(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"fichier illisible : {path} ({exc.strerror or exc})") from exc
    faults: list[str] = []
    conflicts: list[str] = []
    with fh:
        reader = csv.reader(_decoded_lines(fh), delimiter=delimiter)
        line_no = 1
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError(f"fichier vide : {path}") from None
        except csv.Error as exc:
            raise InputError(f"fichier illisible : {path}, ligne 1 ({_csv_message(exc)})") from exc
        found = id_column_for(header, id_column)
        if found is None:
            raise InputError(f"colonne d'identifiant « {id_column} » absente de {path}")
        id_pos = header.index(found)
        fields = [(pos, m.role) for m in maps if (pos := column_position(header, m.column)) is not None]
        singles = [(pos, role) for pos, role in fields if role != "address"]
        address_pos = [pos for pos, role in fields if role == "address"]
        width = len(header)
        by_id: dict[str, dict[str, object]] = {}
        first_line: dict[str, int] = {}
        next_line = 2
        try:
            for row in reader:
                line_no, next_line = next_line, reader.line_num + 1  # a quoted field may span lines
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) > width and any(c.strip() for c in row[width:]):
                    faults.append(f"ligne {line_no} : {len(row)} champs pour {width} colonnes")
                    continue
                if len(row) < width:
                    reason = " (séparateur différent de celui de l'en-tête ?)" if len(row) == 1 else ""
                    faults.append(f"ligne {line_no} : {len(row)} champ(s) pour {width} colonnes{reason}")
                    continue
                if any("\n" in c and c.count(delimiter) >= max(1, width - 1) for c in row):
                    faults.append(f"ligne {line_no} : un champ s'étend sur plusieurs lignes (guillemet jamais fermé ?)")
                    continue
                rid = row[id_pos].strip()
                if not rid:
                    faults.append(f"ligne {line_no} : identifiant ({found}) vide")
                    continue
                values: dict[str, object] = {}
                for pos, role in singles:
                    if role not in values and (v := row[pos].strip()):
                        values[role] = v
                lines = tuple(row[p].strip() for p in address_pos if row[p].strip())
                if lines:
                    values["address"] = lines
                known = by_id.get(rid)
                if known is None:
                    by_id[rid], first_line[rid] = values, line_no
                    continue
                differ = [r for r, v in values.items() if r in known and known[r] != v]
                if differ:
                    columns = ", ".join(header[pos] for pos, role in fields if role in differ)
                    conflicts.append(f"{path.name}, identifiant {rid} : lignes {first_line[rid]} et {line_no} "
                                     f"différentes ({columns}), la ligne {first_line[rid]} est gardée")
                else:
                    for role, v in values.items():
                        known.setdefault(role, v)
        except csv.Error as exc:
            raise InputError(f"fichier illisible : {path}, ligne {line_no} ({_csv_message(exc)})") from exc
    if faults:
        more = f" (et {len(faults) - _SHOWN} autres)" if len(faults) > _SHOWN else ""
        raise InputError(f"{path} : {len(faults)} ligne(s) refusée(s){more} ; " + " ; ".join(faults[:_SHOWN]))
    if conflicts and warn is not None:
        for message in conflicts[:_SHOWN]:
            warn(f"avertissement : {message}")
        if len(conflicts) > _SHOWN:
            warn(f"avertissement : {path.name} : {len(conflicts) - _SHOWN} autres identifiants aux lignes différentes")
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
        if not any(column_position(h, m.column) is not None for h in headers.values()):
            raise InputError(f"colonne « {m.column} » (rôle {m.role}) absente de tous les fichiers")
    return headers
