"""Figures of the convention held by the application (``data/commissaires.toml``), read by date."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from poursuites.model import Product

DATA = Path(__file__).resolve().parent / "data" / "commissaires.toml"

#: Products the convention covers (amendes, local-sector titres including hospitals).
PRODUITS = (Product.AMENDES.value, Product.SECTEUR_LOCAL.value)
PHASES = ("comminatoire", "judiciaire")


@dataclass(frozen=True)
class TauxDeBase:
    valid_from: date
    cents: int
    source: str


@cache
def _data() -> dict:
    with DATA.open("rb") as fh:
        return tomllib.load(fh)


def taux_de_base(on: date) -> TauxDeBase:
    """The taux de base in force on ``on`` (``ValueError`` before the first period)."""
    periods = sorted((TauxDeBase(p["valid_from"], int(p["cents"]), p["source"]) for p in _data()["taux_de_base"]),
                     key=lambda t: t.valid_from)
    current = [t for t in periods if t.valid_from <= on]
    if not current:
        raise ValueError(f"Aucun taux de base connu au {on:%d/%m/%Y}.")
    return current[-1]


def premier_courrier_jours() -> int:
    """Days within which the étude sends its first letter after receiving the dossier."""
    return int(_data()["suivi"]["premier_courrier_jours"])
