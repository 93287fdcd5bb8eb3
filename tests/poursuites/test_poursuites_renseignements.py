from datetime import date

import pytest
from poursuites_fixtures import source

from poursuites.model import Adresse, Fiabilite, Product, SourceInfo
from poursuites.renseignements import (
    address_proposals,
    best_address,
    compte_bancaire,
    employeur,
    valid_iban,
    valid_siret,
)


def test_iban_and_siret_validation_in_french():
    assert valid_iban("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    with pytest.raises(ValueError, match="IBAN invalide .*clé de contrôle"):
        valid_iban("FR76 3000 6000 0112 3456 7890 188")
    assert valid_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValueError, match="SIRET invalide"):
        valid_siret("73282932000075")
    with pytest.raises(ValueError, match="IBAN invalide"):
        compte_bancaire("b", "FR00", "Banque", source())
    e = employeur("e", "73282932000074", "Société", source(), annual_net_salary_cents=100)
    assert e.identifier == "73282932000074"


def _a(line, product, on, fiab):
    return Adresse((line,), "89000", "Auxerre", SourceInfo(product, on, fiab))


def test_best_address_most_recent_reliable_with_explanation():
    old_conf = _a("1 rue Ancienne", Product.IMPOTS, date(2023, 1, 1), Fiabilite.CONFIRMEE)
    recent_decl = _a("2 rue Récente", Product.SECTEUR_LOCAL, date(2025, 2, 1), Fiabilite.DECLAREE)
    newest_old = _a("3 rue Vieille", Product.AMENDES, date(2025, 3, 1), Fiabilite.ANCIENNE)
    choice = best_address([old_conf, recent_decl, newest_old])
    assert choice.adresse is recent_decl
    assert "2 rue Récente" in choice.explanation and "secteur local" in choice.explanation
    assert "3 rue Vieille" in choice.explanation  # explained as discarded


def test_npai_discards_the_address_until_seen_again():
    a = _a("2 rue Récente", Product.SECTEUR_LOCAL, date(2025, 2, 1), Fiabilite.DECLAREE)
    npai = _a("2, rue récente", Product.AMENDES, date(2025, 3, 1), Fiabilite.NPAI)
    other = _a("1 rue Ancienne", Product.IMPOTS, date(2023, 1, 1), Fiabilite.DECLAREE)
    choice = best_address([a, npai, other])
    assert choice.adresse is other and "pli non distribuable" in choice.explanation
    again = _a("2 rue Récente", Product.IMPOTS, date(2025, 4, 1), Fiabilite.CONFIRMEE)
    assert best_address([a, npai, other, again]).adresse is again


def test_no_address():
    assert best_address([]).adresse is None


def test_confirmed_address_is_offered_to_the_other_products():
    conf = _a("5 avenue Confirmée", Product.IMPOTS, date(2025, 4, 1), Fiabilite.CONFIRMEE)
    amd = _a("3 rue Vieille", Product.AMENDES, date(2022, 1, 1), Fiabilite.DECLAREE)
    spl_same = _a("5, avenue confirmée", Product.SECTEUR_LOCAL, date(2024, 1, 1), Fiabilite.DECLAREE)
    props = address_proposals([conf, amd, spl_same], [Product.IMPOTS, Product.AMENDES, Product.SECTEUR_LOCAL])
    assert [(p.from_product, p.to_product) for p in props] == [(Product.IMPOTS, Product.AMENDES)]
    assert "3 rue Vieille" in props[0].explanation and "confirmée le 01/04/2025" in props[0].explanation
    # A more recent address of the other product is not overridden.
    newer = _a("9 rue Neuve", Product.AMENDES, date(2025, 5, 1), Fiabilite.DECLAREE)
    assert address_proposals([conf, newer], [Product.IMPOTS, Product.AMENDES]) == []
