from datetime import date

import pytest

from poursuites.catalogue import CATALOGUE, ActionKind, actions_for, frais_de_poursuite_cents
from poursuites.legal import (
    LegalDataError,
    delai_prescription,
    frais_bancaires_satd,
    frais_phase_comminatoire,
    recours,
    seuil_mise_en_recouvrement,
)
from poursuites.model import OffenceKind, Product

from poursuites_fixtures import ON, amende, impot, local


def test_recovery_minimums():
    assert seuil_mise_en_recouvrement(impot(), ON)[0] == 6_100
    assert seuil_mise_en_recouvrement(impot(is_income_tax=False), ON)[0] == 1_200
    assert seuil_mise_en_recouvrement(local(is_hospital=False), ON)[0] == 1_500
    assert seuil_mise_en_recouvrement(local(), ON)[0] == 500
    assert seuil_mise_en_recouvrement(amende(), ON)[0] == 0


def test_rates_and_out_of_range_dates():
    assert frais_bancaires_satd(ON).applique(50_000) == 5_000
    assert frais_bancaires_satd(ON).applique(5_000_000) == 10_000
    with pytest.raises(LegalDataError, match="frais bancaires .* 01/01/2018"):
        frais_bancaires_satd(date(2018, 1, 1))
    assert frais_phase_comminatoire(ON).taux_bp == 1_255


def test_frais_de_poursuite_only_on_impots_and_never_on_satd():
    assert frais_de_poursuite_cents(impot(rar=100_000), ActionKind.SAISIE_VENTE, ON) == 5_000  # 5 %
    assert frais_de_poursuite_cents(impot(rar=5_000_000), ActionKind.SAISIE_VENTE, ON) == 50_000  # cap 500 €
    assert frais_de_poursuite_cents(impot(rar=100_000), ActionKind.SATD_BANQUE, ON) == 0
    assert frais_de_poursuite_cents(amende(), ActionKind.SAISIE_VENTE, ON) == 0


def test_prescription_delays_from_data():
    assert delai_prescription(Product.IMPOTS).annees == 4
    assert delai_prescription(Product.AMENDES, OffenceKind.DELIT).annees == 6
    assert delai_prescription(Product.AMENDES).annees == 3


def test_catalogue():
    assert CATALOGUE[ActionKind.PHASE_COMMINATOIRE].products == {Product.AMENDES, Product.SECTEUR_LOCAL}
    assert {a.kind for a in actions_for(Product.AMENDES)} == set(ActionKind) - {ActionKind.MISE_EN_DEMEURE}
    assert all(spec.label and spec.base_legale for spec in CATALOGUE.values())


def test_recourse_texts_per_product():
    assert "R*281-1" in recours(Product.IMPOTS).base_legale
    assert "ministère public" in recours(Product.AMENDES).creance
    assert "juge de l'exécution" in recours(Product.SECTEUR_LOCAL).forme
    assert "L1617-5" in recours(Product.SECTEUR_LOCAL).base_legale
