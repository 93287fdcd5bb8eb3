"""Seeded mutations of valid import files of the three sources, and what a run of ``mrf import`` on
each must satisfy (issue 24): no crash (exit 0 or 2, never a traceback); a refused file (exit 2)
leaves the row count of every table as it was; an accepted file leaves only valid rows, its lines
read are its valid plus its rejected lines, each rejected line is in the rejects file; re-importing
an accepted file changes nothing. Used by test_fuzz.py and benchmarks/fuzz_ingest.py."""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from mrf.extensions import db
from mrf.ingest.bounds import FIELD_LIMIT, FIRST_DATE, LAST_DATE, MAX_AMOUNT_CENTS
from mrf.ingest.formats import FORMATS, Source
from mrf.ingest.parse import SITUATION_KINDS
from mrf.models import Base, Creance, SituationDeclaree, SourceRecord

from ingest_files import VALID_ROWS, fiscal_number

SOURCES = (Source.IMPOTS, Source.AMENDES, Source.SECTEUR_LOCAL)
AMOUNT_COLUMNS = ("montant_initial", "reste_a_recouvrer")
DATE_COLUMNS = ("date_naissance", "date_mise_en_recouvrement", "date_exigibilite", "date_infraction", "date_titre",
                "date_emission", "date_prise_en_charge", "annee", "exercice")
UNICODE_DIGITS = ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")
JUNK = (
    "", " ", '"', '""', "'", ";", ",", "\t", "\r", "\n", "\\N", "\\.", "=1+1", "+33 6", "-1", "@SUM(A1)",
    "=HYPERLINK(\"http://x\")", "NULL", "None", "0", "-0,00", "1e5", "0,001", "1,2,3", "1.234,56", "1 234,56 €",
    "92233720368547758,08", "46116860184273879,04", "10000000000,01", "9" * 40, "9" * 5000, "+1/+1/2020",
    "31/02/2024", "00/00/0000", "2024-02-30", "99999999", "01/01/0001", "31/12/9999", "²", "١٢٣", "Ⅻ",
    "🙂" * 3, "\u202eEDCBA", "\u00a0", "\ufeff", "\x0b\x0c", "\x1c\x1d", "\u2028", "é" * 201, "A" * 65,
    "A" * 17, "A" * 33, "'; DROP TABLE creance; --", "<script>alert(1)</script>", "ß" * 120,
)


@dataclass
class Stats:
    inputs: int = 0
    accepted: int = 0
    refused: int = 0
    lines_read: int = 0
    lines_rejected: int = 0
    reimports: int = 0
    mutations: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.inputs} fichiers : {self.accepted} acceptés, {self.refused} refusés (code 2), "
                f"{len(self.failures)} échecs ; {self.lines_read} lignes lues dont {self.lines_rejected} rejetées ; "
                f"{self.reimports} réimports sans changement")


# -- valid files -----------------------------------------------------------------------------------

def valid_rows(source: Source, rnd: random.Random) -> list[dict[str, str]]:
    """A few debtors with one to three créances each, from a small space of keys and references so
    that later files update créances of earlier ones."""
    fmt, base = FORMATS[source], VALID_ROWS[source]
    rows = []
    for _ in range(rnd.randint(1, 4)):
        n = rnd.randrange(50)
        key = fiscal_number(f"12{n:08d}") if source is Source.IMPOTS else f"{source.value[:3].upper()}{n}"
        for _ in range(rnd.randint(1, 3)):
            cents = rnd.choice((1, 99, 13500, 123456, 10**12))
            rar = rnd.randint(0, cents)
            reference = rnd.randrange(300)
            row = {**base, fmt.key_column: key, fmt.reference_column: f"REF-{reference}",
                   "montant_initial": f"{cents // 100},{cents % 100:02d}",
                   "reste_a_recouvrer": f"{rar // 100},{rar % 100:02d}"}
            # the optional columns on some lines, drawn from what is already drawn (the seeds' files stay
            # the same otherwise): a breakdown adding up, a situation of the debtor
            if reference % 3 == 0:
                majorations = cents // 10
                principal = cents - majorations
                row |= {"montant_principal": f"{principal // 100},{principal % 100:02d}",
                        "montant_majorations": f"{majorations // 100},{majorations % 100:02d}"}
            if n % 7 == 0:
                row |= {"situation": ("surendettement", "deces", "procedure_collective")[n % 3],
                        "date_situation": f"{1 + n % 28:02d}/03/2025", "reference_situation": f"DOSSIER-{n}"}
            rows.append(row)
    return rows


@dataclass
class Draft:
    """A file being mutated: cells first, then its text, then its bytes."""

    source: Source
    header: list[str]
    rows: list[list[str]]
    delimiter: str = ";"
    terminator: str = "\r\n"
    encoding: str = "utf-8"
    text_edits: list[Callable[[str, random.Random], str]] = field(default_factory=list)
    byte_edits: list[Callable[[bytes, random.Random], bytes]] = field(default_factory=list)
    whole: bytes | None = None  # replaces everything

    def render(self, rnd: random.Random) -> bytes:
        if self.whole is not None:
            return self.whole
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.terminator)
        writer.writerow(self.header)
        writer.writerows(self.rows)
        text = buffer.getvalue()
        for edit in self.text_edits:
            text = edit(text, rnd)
        data = text.encode(self.encoding, errors="replace")
        for edit in self.byte_edits:
            data = edit(data, rnd)
        return data


def _cell(d: Draft, rnd: random.Random, columns: tuple[str, ...] = ()) -> tuple[int, int] | None:
    """A random (row, column) position, in one of COLUMNS if given and present."""
    if not d.rows:
        return None
    positions = [i for i, h in enumerate(d.header) if not columns or h in columns]
    if not positions:
        return None
    r = rnd.randrange(len(d.rows))
    c = rnd.choice(positions)
    return (r, c) if c < len(d.rows[r]) else None


def _set(d: Draft, rnd: random.Random, value: str, columns: tuple[str, ...] = ()) -> None:
    if (pos := _cell(d, rnd, columns)) is not None:
        d.rows[pos[0]][pos[1]] = value


def _digits_swapped(d: Draft, rnd: random.Random, columns: tuple[str, ...]) -> None:
    if (pos := _cell(d, rnd, columns)) is not None:
        digits = rnd.choice(UNICODE_DIGITS)
        value = d.rows[pos[0]][pos[1]]
        d.rows[pos[0]][pos[1]] = re.sub("[0-9]", lambda m: digits[int(m[0])] if rnd.random() < 0.6 else m[0], value)


def _duplicate_line(d: Draft, rnd: random.Random, changed: bool) -> None:
    if d.rows:
        row = list(rnd.choice(d.rows))
        if changed and "montant_initial" in d.header:
            row[d.header.index("montant_initial")] = "999999,99"
        d.rows.insert(rnd.randrange(len(d.rows) + 1), row)


def _header_edit(d: Draft, rnd: random.Random) -> None:
    kind = rnd.randrange(6)
    i = rnd.randrange(len(d.header))
    if kind == 0:  # a column dropped, from the header and the rows (optional ones: still valid)
        del d.header[i]
        for row in d.rows:
            if i < len(row):
                del row[i]
    elif kind == 1:
        d.header.append(d.header[i])
    elif kind == 2:
        d.header[i] = rnd.choice(("couleur", "", "=cmd", d.header[i].upper().replace("_", " ")))
    elif kind == 3:
        d.header.extend(f"x{n}" for n in range(rnd.choice((10, 600, 5000))))
    elif kind == 4:  # the columns in another order, rows too: still valid
        order = list(range(len(d.header)))
        rnd.shuffle(order)
        d.header = [d.header[j] for j in order]
        d.rows = [[row[j] if j < len(row) else "" for j in order] for row in d.rows]
    else:
        d.header[i] = " " + d.header[i].upper() + " "


def _text_insert(chars: str) -> Callable[[str, random.Random], str]:
    def edit(text: str, rnd: random.Random) -> str:
        at = rnd.randrange(len(text) + 1)
        return text[:at] + chars + text[at:]
    return edit


def _flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        if out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def _cut(data: bytes, rnd: random.Random) -> bytes:
    return data[:rnd.randrange(len(data) + 1)]


def _delete_range(data: bytes, rnd: random.Random) -> bytes:
    a = rnd.randrange(len(data) + 1)
    return data[:a] + data[a + rnd.randint(1, 40):]


def _repeat_range(data: bytes, rnd: random.Random) -> bytes:
    a = rnd.randrange(len(data) + 1)
    b = min(len(data), a + rnd.randint(1, 200))
    return data[:b] + data[a:b] + data[b:]


MUTATIONS: dict[str, Callable[[Draft, random.Random], None]] = {
    "champ_aleatoire": lambda d, r: _set(d, r, r.choice(JUNK)),
    "montant_extreme": lambda d, r: _set(d, r, r.choice(JUNK[24:40]), AMOUNT_COLUMNS),
    "date_fausse": lambda d, r: _set(d, r, r.choice(JUNK[32:44]), DATE_COLUMNS),
    "chiffres_unicode": lambda d, r: _digits_swapped(d, r, AMOUNT_COLUMNS + DATE_COLUMNS + ("code_postal",)),
    "champ_enorme": lambda d, r: _set(d, r, r.choice(("X", '"', "é", "a;b")) * (FIELD_LIMIT + r.randint(-2, 50))),
    "valeur_longue": lambda d, r: _set(d, r, "A" * r.choice((13, 14, 16, 17, 32, 33, 64, 65, 100, 101, 200, 201))),
    "formule": lambda d, r: _set(d, r, r.choice(("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"))),
    "cle_en_double": lambda d, r: _duplicate_line(d, r, changed=False),
    "cle_en_double_autre_montant": lambda d, r: _duplicate_line(d, r, changed=True),
    "cellules_en_moins": lambda d, r: d.rows and d.rows[r.randrange(len(d.rows))].pop(),
    "cellules_en_trop": lambda d, r: d.rows and d.rows[r.randrange(len(d.rows))].extend(["x"] * r.randint(1, 3)),
    "en_tete": _header_edit,
    "separateur": lambda d, r: setattr(d, "delimiter", r.choice((",", "\t", "|", ";"))),
    "fin_de_ligne": lambda d, r: setattr(d, "terminator", r.choice(("\n", "\r", "\r\n", "\n\r"))),
    "encodage": lambda d, r: setattr(d, "encoding", r.choice(("cp1252", "utf-8-sig", "utf-16", "latin-1",
                                                              "utf-32", "mac_roman"))),
    "guillemet": lambda d, r: d.text_edits.append(_text_insert(r.choice(('"', '"', '""', '"\n', '\n"')))),
    "caracteres_de_controle": lambda d, r: d.text_edits.append(
        _text_insert(r.choice(("\x00", "\x0b", "\x1c", "\x85", "\u2028", "\ufeff", "\x1a")))),
    "octets": lambda d, r: d.byte_edits.append(_flip_bytes),
    "tronque": lambda d, r: d.byte_edits.append(_cut),
    "trou": lambda d, r: d.byte_edits.append(_delete_range),
    "repetition": lambda d, r: d.byte_edits.append(_repeat_range),
    "bom_double": lambda d, r: d.byte_edits.append(lambda b, _r: b"\xef\xbb\xbf\xef\xbb\xbf" + b),
    "fichier_limite": lambda d, r: setattr(d, "whole", r.choice((
        b"", b"\xef\xbb\xbf", b"\n\n\n", b" ", (";".join(d.header) + "\n").encode(),
        (";".join(d.header) + "\n\n  \n").encode(), b"\x00" * 10, b"\xff\xfe" + ";".join(d.header).encode("utf-16-le"),
    ))),
}


def make_input(seed: int) -> tuple[Source, bytes, list[str]]:
    """The file of SEED: a valid file of one of the sources, then one to three mutations (a tenth
    of the inputs stay valid)."""
    rnd = random.Random(seed)
    source = SOURCES[seed % 3]
    header = list(FORMATS[source].names)
    draft = Draft(source, header, [[row.get(h, "") for h in header] for row in valid_rows(source, rnd)])
    names = [] if rnd.random() < 0.1 else rnd.sample(sorted(MUTATIONS), rnd.randint(1, 3))
    for name in names:
        MUTATIONS[name](draft, rnd)
    return source, draft.render(rnd), names


# -- checks ----------------------------------------------------------------------------------------

def table_counts() -> tuple[int, ...]:
    """The number of rows of every table."""
    with db.new_session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables)


def _in_range(value: date | None) -> bool:
    return value is None or FIRST_DATE <= value <= LAST_DATE


def invalid_rows() -> list[str]:
    """What is wrong with the rows of creance and source_record (empty when all are valid)."""
    problems = []
    limits = {c.name: c.type.length for t in (Creance.__table__, SourceRecord.__table__) for c in t.columns
              if getattr(c.type, "length", None)}
    with db.new_session() as s:
        for c in s.scalars(select(Creance)):
            if not (0 <= c.rar_cents <= c.amount_initial_cents <= MAX_AMOUNT_CENTS):
                problems.append(f"créance {c.reference!r} : montants {c.amount_initial_cents} / {c.rar_cents}")
            if c.status not in ("en_cours", "soldee", "annulee") or not c.reference or not c.nature:
                problems.append(f"créance {c.reference!r} : statut, référence ou nature")
            if not all(_in_range(d) for d in (c.date_prise_en_charge, c.date_exigibilite, c.date_infraction,
                                              c.date_emission)):
                problems.append(f"créance {c.reference!r} : date hors bornes")
            if c.year is not None and not FIRST_DATE.year <= c.year <= LAST_DATE.year:
                problems.append(f"créance {c.reference!r} : année {c.year}")
            problems += _too_long(c, Creance.__table__, limits)
            if (c.principal_cents is None) != (c.majorations_cents is None) or (
                    c.principal_cents is not None
                    and c.principal_cents + c.majorations_cents != c.amount_initial_cents):
                problems.append(f"créance {c.reference!r} : ventilation {c.principal_cents} / {c.majorations_cents}")
        for r in s.scalars(select(SourceRecord)):
            if not r.source_key or r.sexe not in (None, "M", "F") or not _in_range(r.date_naissance):
                problems.append(f"débiteur {r.source_key!r} : clé, sexe ou date de naissance")
            if r.code_postal is not None and not (len(r.code_postal) == 5 and r.code_postal.isascii()
                                                  and r.code_postal.isdigit()):
                problems.append(f"débiteur {r.source_key!r} : code postal {r.code_postal!r}")
            if r.numero_fiscal is not None and not (r.numero_fiscal.isascii() and r.numero_fiscal.isdigit()):
                problems.append(f"débiteur {r.source_key!r} : numéro fiscal")
            problems += _too_long(r, SourceRecord.__table__, limits)
        for d in s.scalars(select(SituationDeclaree)):
            if d.kind not in SITUATION_KINDS or not _in_range(d.started_on) or len(d.reference) > 64:
                problems.append(f"situation déclarée {d.id} : {d.kind!r}, {d.started_on}, {d.reference!r}")
    return problems


def _too_long(row: object, table, limits: dict[str, int]) -> list[str]:
    return [f"{table.name}.{name} trop long" for name in limits if name in table.c
            and isinstance(value := getattr(row, name), str) and len(value) > limits[name]]


_SUMMARY = re.compile(r"(\d+) lignes lues : (\d+) valides, (\d+) rejetées")


def run_one(cli, folder: Path, seed: int, stats: Stats, reimport_every: int = 5) -> None:
    """Import the input of SEED with the CLI runner and check the outcome; failures go in STATS."""
    source, data, names = make_input(seed)
    path = folder / f"fuzz-{seed}.csv"
    path.write_bytes(data)
    rejects = path.with_name(path.stem + ".rejets.csv")
    rejects.unlink(missing_ok=True)
    stats.inputs += 1
    stats.mutations.update(names)
    label = f"graine {seed} ({source.value} : {', '.join(names) or 'valide'})"
    before = table_counts()
    result = cli.invoke(args=["import", source.value, str(path)])
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    if crashed or result.exit_code not in (0, 2) or "Traceback" in result.output + result.stderr:
        stats.failures.append(f"{label} : plantage, code {result.exit_code} : {result.exception!r}")
        return
    if result.exit_code == 2:
        stats.refused += 1
        if table_counts() != before:
            stats.failures.append(f"{label} : fichier refusé mais la base a changé")
        if "Fichier refusé, rien n'a été importé." not in result.stderr:
            stats.failures.append(f"{label} : refus sans message : {result.stderr[-200:]!r}")
        if rejects.exists():
            stats.failures.append(f"{label} : fichier refusé mais rejets écrits")
        return
    stats.accepted += 1
    match = _SUMMARY.search(result.output)
    if match is None:
        stats.failures.append(f"{label} : pas de bilan : {result.output[-200:]!r}")
        return
    read, valid, rejected = map(int, match.groups())
    stats.lines_read += read
    stats.lines_rejected += rejected
    if read != valid + rejected:
        stats.failures.append(f"{label} : {read} lues ≠ {valid} + {rejected}")
    written = 0
    if rejects.exists():
        with rejects.open(encoding="utf-8", newline="") as fh:
            delimiter = fh.read(6)[-1]  # after "ligne": the file's own delimiter
            fh.seek(0)
            written = sum(1 for _ in csv.reader(fh, delimiter=delimiter)) - 1
    if written != rejected:
        stats.failures.append(f"{label} : {rejected} rejets annoncés, {written} dans le fichier des rejets")
    stats.failures += [f"{label} : {p}" for p in invalid_rows()[:3]]
    if seed % reimport_every == 0:
        kept = table_counts()
        again = cli.invoke(args=["import", source.value, str(path)])
        stats.reimports += 1
        tables = [t.name for t in Base.metadata.sorted_tables]
        changed = {t for t, a, b in zip(tables, kept, table_counts(), strict=True) if a != b}
        if again.exit_code != 0 or changed - {"import_batch", "audit_log"} or " 0 nouvelles, 0 modifiées" not in (
                again.output):
            stats.failures.append(f"{label} : réimport non idempotent ({sorted(changed)}, {again.output[-120:]!r})")


def fuzz(cli, folder: Path, seeds: range) -> Stats:
    stats = Stats()
    for seed in seeds:
        run_one(cli, folder, seed, stats)
    return stats
