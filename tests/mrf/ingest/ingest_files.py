"""Valid lines of the three sources and small helpers shared by the import tests and the fuzz harness
(this folder is on pytest's ``pythonpath``, see pyproject.toml)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select

from mrf.extensions import db
from mrf.ingest.formats import IMPOTS, Source


def fiscal_number(first_ten: str) -> str:
    return first_ten + f"{int(first_ten) % 511:03d}"


NF1 = fiscal_number("1234567890")
NF2 = fiscal_number("0987654321")

IMPOTS_ROW = {
    "numero_fiscal": NF1, "nom_naissance": "MARTIN", "nom_usage": "DUPONT", "prenoms": "MARIE CLAIRE",
    "sexe": "F", "date_naissance": "12/03/1975", "lieu_naissance": "AUXERRE", "numero_voie": "12 BIS",
    "voie": "RUE DE PARIS", "complement_adresse": "", "code_postal": "89000", "commune": "AUXERRE",
    "code_insee": "89024", "reference_avis": "IR-2024-0001", "impot": "IR", "annee": "2024",
    "montant_initial": "1 234,56", "reste_a_recouvrer": "1234,56", "statut": "",
    "date_mise_en_recouvrement": "31/07/2025", "date_exigibilite": "15/09/2025", "comptable": "SIP-TEST",
}


def write_csv(path: Path, header: list[str], rows: list[dict], delimiter: str = ";",
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


def impots_file(tmp_path: Path, rows: list[dict], name: str = "impots.csv", **kw) -> Path:
    return write_csv(tmp_path / name, list(IMPOTS.names), rows, **kw)


def count(model) -> int:
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def run_import(cli, source: str, path: Path):
    return cli.invoke(args=["import", source, str(path)])


AMENDE_ROW = {"id_debiteur": "AMD1", "nom": "DUPONT", "prenom": "MARIE", "code_postal": "89000",
              "commune": "AUXERRE", "numero_amende": "AFM-1", "type_amende": "AFM",
              "categorie_infraction": "contravention", "date_titre": "01/02/2024", "montant_initial": "135",
              "reste_a_recouvrer": "135", "comptable": "TA-TEST"}
TITRE_ROW = {"id_tiers": "T1", "nom": "DUPONT NEE MARTIN", "prenom": "MARIE", "code_postal": "89000",
             "commune": "AUXERRE", "numero_titre": "T-2024-1", "collectivite": "CH AUXERRE",
             "code_collectivite": "CH89", "budget": "principal", "hospitalier": "O",
             "objet": "Frais d'hospitalisation", "exercice": "2024", "montant_initial": "80,00",
             "reste_a_recouvrer": "80,00", "date_prise_en_charge": "05/05/2024", "comptable": "SPL-TEST"}
VALID_ROWS = {Source.IMPOTS: IMPOTS_ROW, Source.AMENDES: AMENDE_ROW, Source.SECTEUR_LOCAL: TITRE_ROW}
