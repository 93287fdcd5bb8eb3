"""Small explicit builders for the poursuites tests."""

from __future__ import annotations

from datetime import date

import pytest

from poursuites.model import (
    Adresse,
    ComptableView,
    CreanceView,
    CreditorKind,
    Fiabilite,
    OffenceKind,
    Product,
    RedevableView,
    SourceInfo,
)

ON = date(2025, 6, 2)


def impot(id: str = "i1", rar: int = 120_000, **kw) -> CreanceView:
    base = dict(
        id=id, product=Product.IMPOTS, nature="Impôt sur le revenu 2023", creditor_name="État",
        creditor_code="ETAT", reference=f"IR-{id}", rar_cents=rar, amount_initial_cents=max(rar, 150_000),
        date_exigibilite=date(2024, 9, 15), comptable_code="089001", comptable_name="SIP d'Auxerre",
        date_mise_en_recouvrement=date(2024, 7, 31), is_income_tax=True,
    )
    base.update(kw)
    return CreanceView(**base)


def amende(id: str = "a1", rar: int = 37_500, **kw) -> CreanceView:
    base = dict(
        id=id, product=Product.AMENDES, nature="Amende forfaitaire majorée", creditor_name="État",
        creditor_code="ETAT", reference=f"AFM-{id}", rar_cents=rar, amount_initial_cents=rar,
        date_exigibilite=date(2024, 11, 2), comptable_code="089900", comptable_name="Trésorerie amendes de l'Yonne",
        date_titre=date(2024, 11, 2), offence_kind=OffenceKind.CONTRAVENTION,
    )
    base.update(kw)
    return CreanceView(**base)


def local(id: str = "l1", rar: int = 48_000, **kw) -> CreanceView:
    base = dict(
        id=id, product=Product.SECTEUR_LOCAL, nature="Frais d'hospitalisation",
        creditor_name="Centre hospitalier d'Auxerre",
        creditor_code="CHA", reference=f"T-{id}", rar_cents=rar, amount_initial_cents=rar,
        date_exigibilite=date(2024, 10, 1), comptable_code="089002", comptable_name="Trésorerie hospitalière",
        date_prise_en_charge=date(2024, 9, 20), is_hospital=True, creditor_kind=CreditorKind.HOPITAL,
    )
    base.update(kw)
    return CreanceView(**base)


def source(product: Product | None = Product.IMPOTS, on: date = date(2025, 1, 10),
           fiabilite: Fiabilite = Fiabilite.CONFIRMEE) -> SourceInfo:
    return SourceInfo(product, on, fiabilite, "ficoba")


@pytest.fixture
def redevable() -> RedevableView:
    return RedevableView("R1", "Dupont", "Marie Jeanne", date(1980, 3, 4),
                         Adresse(("3 place de la Mairie",), "89000", "Auxerre"))


@pytest.fixture
def comptable() -> ComptableView:
    return ComptableView("089001", "SIP d'Auxerre (structure MRF)", ("10 rue du Trésor", "89000 Auxerre"),
                         "03 86 00 00 00", ville="Auxerre")
