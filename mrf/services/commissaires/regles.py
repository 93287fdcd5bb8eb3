"""Figures of the convention held by the application (``data/commissaires.toml``), read by date."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from poursuites.model import Product

from ...models import DossierEvenement

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


@dataclass(frozen=True)
class DroitProportionnel:
    """The droit proportionnel dégressif of one tariff period (``data/commissaires.toml``)."""

    valid_from: date
    valid_until: date | None
    seuil_fixe_cents: int
    fixe_cents: int
    plafond_cents: int  # 0: none
    tranches_cents: tuple[int, ...]
    taux_bp: tuple[int, ...]
    source: str

    def montant(self, recouvre_cents: int, creance_cents: int | None = None) -> int:
        """Fee (HT, cents) on ``recouvre_cents`` recovered in all for the dossier; the fixed fee when the créance
        (``creance_cents``, else the sum recovered) is at most the threshold."""
        if recouvre_cents <= 0:
            return 0
        if (creance_cents if creance_cents is not None else recouvre_cents) <= self.seuil_fixe_cents:
            return self.fixe_cents
        fee, low = 0, 0
        for high, bp in zip((*self.tranches_cents, None), self.taux_bp, strict=True):
            top = recouvre_cents if high is None else min(recouvre_cents, high)
            if top > low:  # each band rounded to the cent, as service-public.fr's worked examples do
                fee += int((Decimal(top - low) * bp / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            if high is None or recouvre_cents <= high:
                break
            low = high
        return min(fee, self.plafond_cents) if self.plafond_cents else fee


def droit_proportionnel(on: date) -> DroitProportionnel:
    """The period of the droit proportionnel in force on ``on``; ``ValueError`` (French) when none is known."""
    for p in _data()["droit_proportionnel"]:
        if p["valid_from"] <= on and (p.get("valid_until") is None or on <= p["valid_until"]):
            if len(p["taux_bp"]) != len(p["tranches_cents"]) + 1:
                raise ValueError("Barème du droit proportionnel mal formé : un taux de plus que de bornes attendu.")
            return DroitProportionnel(p["valid_from"], p.get("valid_until"), int(p["seuil_fixe_cents"]),
                                      int(p["fixe_cents"]), int(p["plafond_cents"]), tuple(p["tranches_cents"]),
                                      tuple(p["taux_bp"]), p["source"])
    raise ValueError(f"Aucun barème du droit proportionnel connu au {on:%d/%m/%Y} (à renseigner dans "
                     "mrf/services/commissaires/data/commissaires.toml).")


def droit_proportionnel_increment(deja_cents: int, nouveau_cents: int, on: date,
                                  creance_cents: int | None = None) -> int:
    """Fee due on a new payment of ``nouveau_cents`` when ``deja_cents`` were already recovered for the dossier: the
    fee is computed on the whole sums recovered, not on each instalment (A444-31 read with A444-32)."""
    bareme = droit_proportionnel(on)
    return bareme.montant(deja_cents + nouveau_cents, creance_cents) - bareme.montant(deja_cents, creance_cents)


def recouvre_avant(session: Session, dossier_id: int) -> int:
    """Sums already recovered for the dossier (payments reported by the étude or made to the comptable)."""
    return int(session.scalar(select(func.coalesce(func.sum(DossierEvenement.montant_cents), 0)).where(
        DossierEvenement.dossier_id == dossier_id, DossierEvenement.kind == "paiement")) or 0)
