"""Open a source file: encoding, delimiter and header checked before any line is read."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from matching.csvio import InputError, file_encoding

from .bounds import FIELD_LIMIT, MAX_COLUMNS, MAX_HEADER_CHARS
from .formats import SourceFormat

csv.field_size_limit(FIELD_LIMIT)  # the module's default, made explicit: the rejects depend on it


class FileRefused(Exception):
    """The whole file is refused (not in the expected format); nothing is imported."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    sha256: str

    def rows(self) -> Iterator[tuple[int, list[str] | None]]:
        """Data rows with their line number in the file (the header is line 1), streamed. A row
        with a field over FIELD_LIMIT characters comes as None (its line is rejected): the reader
        starts again on the next line. When that field is quoted and goes on past its line, where the
        next row begins cannot be known, and the file is refused."""
        quotes = start = 0  # quote characters read, and when the row began: odd between = inside quotes
        ended = 0  # the physical line (after the header) where the last row ended

        def counted(line: str) -> str:
            nonlocal quotes
            quotes += line.count('"')
            return line

        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            next(fh, None)  # the header, checked by open_source_file
            reader = csv.reader(map(counted, fh), delimiter=self.delimiter)
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    line = reader.line_num + 1
                    if (quotes - start) % 2:
                        raise FileRefused(
                            f"Ligne {ended + 2} : champ entre guillemets jamais refermé ({_csv_message(exc)} "
                            f"atteint ligne {line}) ; où commencent les lignes suivantes ne peut pas être "
                            "déterminé.") from None
                    start, ended = quotes, reader.line_num
                    yield line, None
                    continue
                start, ended = quotes, reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                yield reader.line_num + 1, row


def _csv_message(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"champ de plus de {FIELD_LIMIT} caractères"
    return f"erreur CSV : {exc}"


def _detect_encoding(path: Path) -> tuple[str, str]:
    """(encoding, SHA-256) of the whole file, read once: UTF-8 (with or without BOM) else Windows-1252."""
    try:
        return file_encoding(path)
    except InputError as exc:
        raise FileRefused(str(exc)) from None


def _normalise_header(name: str) -> str:
    return name.strip().strip('"').lower().replace(" ", "_").replace("-", "_")


def _header_problems(header: tuple[str, ...], fmt: SourceFormat) -> list[str]:
    """What makes HEADER not FMT's: missing, unknown and repeated columns (counted in one pass)."""
    counts = Counter(header)
    missing = [c for c in fmt.required if c not in counts]
    unknown = [h for h in counts if h not in fmt.names]
    duplicated = sorted(h for h, n in counts.items() if n > 1)
    problems = []
    if missing:
        problems.append("colonnes obligatoires manquantes : " + ", ".join(missing))
    if unknown:
        problems.append("colonnes inconnues : " + _listed(unknown))
    if duplicated:
        problems.append("colonnes en double : " + _listed(duplicated))
    return problems


def _listed(names: list[str], shown: int = 10) -> str:
    """The first SHOWN names (each cut to 40 characters), then how many more."""
    text = ", ".join(n if len(n) <= 40 else n[:40] + "…" for n in names[:shown])
    return text + (f" et {len(names) - shown} autres" if len(names) > shown else "")


def _has_data(fh: TextIO) -> bool:
    """Whether anything but blanks follows, read by blocks (a file of one huge line stays cheap)."""
    while block := fh.read(65_536):
        if not block.isspace():
            return True
    return False


def open_source_file(path: Path, fmt: SourceFormat) -> SourceFile:
    """Check that the file exists, is readable, not empty and has the format's columns."""
    if not path.exists():
        raise FileRefused(f"Fichier introuvable : {path}")
    if not path.is_file():
        raise FileRefused(f"Ce n'est pas un fichier : {path}")
    if path.stat().st_size == 0:
        raise FileRefused("Fichier vide : aucune ligne d'en-tête ni de données.")
    encoding, sha = _detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        header_line = fh.readline(MAX_HEADER_CHARS + 1)
        if len(header_line) > MAX_HEADER_CHARS:
            raise FileRefused(f"En-tête trop long : plus de {MAX_HEADER_CHARS} caractères sur la première ligne "
                              f"(le format « {fmt.label} » a {len(fmt.columns)} colonnes).")
        has_data = _has_data(fh)
    if not header_line.strip():
        raise FileRefused("Fichier vide : la première ligne (en-tête des colonnes) est vide.")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    if header_line.count(delimiter) >= MAX_COLUMNS:
        raise FileRefused(f"En-tête invraisemblable : {header_line.count(delimiter) + 1} colonnes, au plus "
                          f"{MAX_COLUMNS} (le format « {fmt.label} » en a {len(fmt.columns)}).")
    try:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
    except csv.Error as exc:
        raise FileRefused(f"En-tête illisible ({_csv_message(exc)}).") from None
    header = tuple(_normalise_header(h) for h in cells)
    problems = _header_problems(header, fmt)
    if problems:
        raise FileRefused(
            f"Le fichier n'est pas au format « {fmt.label} » : " + " ; ".join(problems) + ".")
    if not has_data:
        raise FileRefused("Fichier vide : l'en-tête est présent mais aucune ligne de données.")
    return SourceFile(path=path, encoding=encoding, delimiter=delimiter, header=header, sha256=sha)
