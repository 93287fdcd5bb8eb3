"""Open a source file: encoding, delimiter and header checked before any line is read."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from matching.csvio import InputError, file_encoding

from .formats import SourceFormat


class FileRefused(Exception):
    """The whole file is refused (not in the expected format); nothing is imported."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    sha256: str

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Data rows with their line number in the file (the header is line 1), streamed."""
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            next(reader, None)
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                yield reader.line_num, row


def _detect_encoding(path: Path) -> tuple[str, str]:
    """(encoding, SHA-256) of the whole file, read once: UTF-8 (with or without BOM) else Windows-1252."""
    try:
        return file_encoding(path)
    except InputError as exc:
        raise FileRefused(str(exc)) from None


def _normalise_header(name: str) -> str:
    return name.strip().strip('"').lower().replace(" ", "_").replace("-", "_")


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
        header_line = fh.readline()
        has_data = any(line.strip() for line in fh)
    if not header_line.strip():
        raise FileRefused("Fichier vide : la première ligne (en-tête des colonnes) est vide.")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    header = tuple(_normalise_header(h) for h in next(csv.reader([header_line], delimiter=delimiter)))
    missing = [c for c in fmt.required if c not in header]
    unknown = [h for h in header if h not in fmt.names]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    problems = []
    if missing:
        problems.append("colonnes obligatoires manquantes : " + ", ".join(missing))
    if unknown:
        problems.append("colonnes inconnues : " + ", ".join(unknown))
    if duplicated:
        problems.append("colonnes en double : " + ", ".join(duplicated))
    if problems:
        raise FileRefused(
            f"Le fichier n'est pas au format « {fmt.label} » : " + " ; ".join(problems) + ".")
    if not has_data:
        raise FileRefused("Fichier vide : l'en-tête est présent mais aucune ligne de données.")
    return SourceFile(path=path, encoding=encoding, delimiter=delimiter, header=header, sha256=sha)
