from datetime import date

import pytest
from poursuites_fixtures import ON, amende, impot, local

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


def test_frais_de_poursuite_per_act_rate_for_every_product_and_never_on_satd():
    # art. 396 C annexe II: mise en demeure (tient lieu de commandement) 3 %, saisie 5 %; art. 1912: 500 € at most
    assert frais_de_poursuite_cents(impot(rar=100_000), ActionKind.MISE_EN_DEMEURE, ON) == 3_000  # 3 % of 1 000 €
    assert frais_de_poursuite_cents(impot(rar=100_000), ActionKind.SAISIE_VENTE, ON) == 5_000  # 5 %
    assert frais_de_poursuite_cents(impot(rar=5_000_000), ActionKind.SAISIE_VENTE, ON) == 50_000  # cap 500 €
    assert frais_de_poursuite_cents(local(rar=48_000), ActionKind.MISE_EN_DEMEURE, ON) == 1_440  # 3 % of 480 €
    assert frais_de_poursuite_cents(amende(rar=37_500), ActionKind.SAISIE_VENTE, ON) == 1_875  # 5 % of 375 €
    assert frais_de_poursuite_cents(impot(rar=33_333), ActionKind.MISE_EN_DEMEURE, ON) == 1_000  # 999,99 → 1 000
    assert frais_de_poursuite_cents(impot(rar=100_000), ActionKind.SATD_BANQUE, ON) == 0
    assert frais_de_poursuite_cents(impot(rar=100_000), ActionKind.LETTRE_RELANCE, ON) == 0
    assert frais_de_poursuite_cents(amende(), ActionKind.PHASE_COMMINATOIRE, ON) == 0


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


def test_figures_a_confirmer_name_the_data_file():
    from datetime import date

    from poursuites.legal import figures_a_confirmer

    assert figures_a_confirmer(date(2026, 3, 31), rsa=True, bareme=True) == ()  # 2025 RSA, 2026 barème: confirmed
    [rsa] = figures_a_confirmer(date(2026, 4, 1), rsa=True, bareme=True)
    assert rsa.fichier == "poursuites/data/rsa.toml"
    assert "rsa.toml" in rsa.message and "aucun acte ne peut être émis" in rsa.message
    assert figures_a_confirmer(date(2026, 4, 1)) == ()  # nothing asked, nothing refused


def test_phase_comminatoire_fee_covers_amendes_and_local_products_not_impots():
    from poursuites.huissier import fee_phase_comminatoire
    from poursuites.model import Product

    assert fee_phase_comminatoire(100_000, Product.SECTEUR_LOCAL, ON) == 12_550  # 12,55 % of 1 000 €
    assert fee_phase_comminatoire(1_000, Product.AMENDES, ON) == 627  # minimum 6,27 €
    assert fee_phase_comminatoire(5_000_000, Product.AMENDES, ON) == 30_000  # maximum 300 €
    with pytest.raises(ValueError, match="impôts"):
        fee_phase_comminatoire(100_000, Product.IMPOTS, ON)


def test_direct_payment_during_phase_comminatoire_amendes_art_2():
    from poursuites.huissier import paiement_direct_comminatoire
    from poursuites.model import Product

    # 100 € paid on a 1 000 € amende: I + 12,55 % × I ≤ 100 € → I = 88,85 €, fee 11,15 € (11,150… half up)
    r = paiement_direct_comminatoire(10_000, Product.AMENDES, 100_000, ON)
    assert (r.imputed_cents, r.fee_cents, r.excess_cents) == (8_885, 1_115, 0)
    assert "art. 2" in r.source
    # 1 125,50 € pays the whole 1 000 € and its 125,50 € fee exactly
    r = paiement_direct_comminatoire(112_550, Product.AMENDES, 100_000, ON)
    assert (r.imputed_cents, r.fee_cents, r.excess_cents) == (100_000, 12_550, 0)


def test_direct_payment_during_phase_comminatoire_local_art_3():
    from poursuites.huissier import paiement_direct_comminatoire
    from poursuites.model import Product

    r = paiement_direct_comminatoire(112_550, Product.SECTEUR_LOCAL, 100_000, ON)
    assert (r.imputed_cents, r.fee_cents, r.excess_cents) == (100_000, 12_550, 0) and "art. 3" in r.source
    # another debt due at the comptable: the excess is not passed on to the commissaire
    r = paiement_direct_comminatoire(112_550, Product.SECTEUR_LOCAL, 100_000, ON, autres_dettes_exigibles=True)
    assert (r.imputed_cents, r.fee_cents, r.excess_cents) == (100_000, 0, 12_550)
    # a payment below the debt entrusted is imputed whole, nothing for the commissaire
    r = paiement_direct_comminatoire(40_000, Product.SECTEUR_LOCAL, 100_000, ON)
    assert (r.imputed_cents, r.fee_cents, r.excess_cents) == (40_000, 0, 0)
