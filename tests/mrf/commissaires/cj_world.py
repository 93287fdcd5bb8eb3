"""Études of the Yonne for the tests, and helpers to write bilan files."""

from __future__ import annotations

import csv
import io
from datetime import date

from mrf.services.commissaires import bilans
from mrf.services.commissaires.etudes import COLUMNS, import_etudes_text

SIRET_A = "73282932000074"
SIRET_B = "35600000000048"
AUXERRE_CP = "89000"
SENS_CP = "89100"


def etudes_text(extra_rows: list[list[str]] | None = None) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerow(["CJ-AUX", "Étude d'Auxerre", SIRET_A, "1 place du Palais", "89000", "AUXERRE", "CS-NORD", "89",
                f"{AUXERRE_CP} 89290", ""])
    w.writerow(["CJ-SENS", "Étude de Sens", SIRET_B, "2 rue du Tribunal", "89100", "SENS", "CS-NORD", "89",
                SENS_CP, "89387"])
    for row in extra_rows or []:
        w.writerow(row)
    return out.getvalue()


def make_etudes() -> None:
    import_etudes_text(etudes_text())


def bilan_text(rows: list[list], virements: dict[str, int] | None = None, on: date = date(2026, 11, 23),
               centre: str = "CS-NORD", ident: str = "B1", total: int | None = None) -> str:
    """A bilan file: ``rows`` are R records without the leading type; V lines from ``virements``."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["E", bilans.FORMAT, bilans.VERSION, centre, on.isoformat(), ident])
    paid = 0
    for poste, amount in (virements or {}).items():
        w.writerow(["V", poste, amount, on.isoformat()])
    for r in rows:
        w.writerow(["R", *[x.isoformat() if isinstance(x, date) else x for x in r]])
        if r[3] == "paiement" and str(r[5]).isdigit():
            paid += int(r[5])
    w.writerow(["Z", len(rows), paid if total is None else total])
    return out.getvalue()


def retour(id_retour: str, numero: str, evenement: str, when: date, *, montant: int | str = "", mode: str = "",
           encaisse: date | str = "", titres: str = "", adresse: tuple[str, str, str, str] = ("", "", "", ""),
           jours: str = "", poste: str = "", siret: str = SIRET_A) -> list:
    numero_voie, voie, cp, commune = adresse
    return [id_retour, numero, siret, evenement, when, montant, mode, encaisse, titres, numero_voie, voie, "", cp,
            commune, jours, "", poste]
