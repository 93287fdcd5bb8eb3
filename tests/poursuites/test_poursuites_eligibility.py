from datetime import date

from poursuites_fixtures import ON, amende, impot, local

from poursuites.catalogue import ActionKind
from poursuites.eligibility import SeuilsPoursuite, evaluate, evaluate_all
from poursuites.model import Product

SATD = ActionKind.SATD_BANQUE


def test_eligible_with_reason():
    d = evaluate(impot(), SATD, ON)
    assert d.eligible and d.code == "eligible"
    assert d.reason.startswith("Éligible — Saisie administrative")
    assert "1\u202f200,00\u00a0€" in d.reason and "31/07/2028" in d.reason


def test_cancelled():
    d = evaluate(impot(cancelled=True), SATD, ON)
    assert not d.eligible and d.reason == "Créance annulée : aucune poursuite possible."


def test_settled():
    d = evaluate(impot(rar=0), SATD, ON)
    assert not d.eligible and d.code == "soldee"


def test_not_yet_due():
    d = evaluate(impot(date_exigibilite=date(2025, 7, 1)), SATD, ON)
    assert not d.eligible and d.code == "non_exigible" and "01/07/2025" in d.reason


def test_prescribed():
    d = evaluate(amende(date_titre=date(2021, 6, 1), date_exigibilite=date(2021, 6, 1)), SATD, ON)
    assert not d.eligible and d.code == "prescrite" and "01/06/2024" in d.reason


def test_contested():
    d = evaluate(impot(contested=True), SATD, ON)
    assert not d.eligible and d.reason == "Créance contestée : poursuites suspendues."


def test_honoured_payment_plan():
    d = evaluate(local(in_honoured_plan=True), SATD, ON)
    assert not d.eligible and d.reason == "Plan de règlement respecté : poursuites suspendues."


def test_below_legal_floor_of_mise_en_recouvrement():
    # Income tax below 61 € is not put into recovery; a hospital bill of 5 € is.
    d = evaluate(impot(rar=6_000, amount_initial_cents=6_000), SATD, ON)
    assert not d.eligible and d.code == "sous_seuil_legal" and "61,00" in d.reason
    assert evaluate(local(rar=500), SATD, ON).eligible
    d = evaluate(local(rar=1_400, is_hospital=False), SATD, ON)
    assert not d.eligible and "15,00" in d.reason and "D1611-1" in d.reason


def test_action_not_applicable_to_product():
    d = evaluate(impot(), ActionKind.PHASE_COMMINATOIRE, ON)
    assert not d.eligible and d.code == "produit_non_couvert" and "impôts" in d.reason


def test_threshold_per_creditor_wins_over_product_and_is_inclusive():
    seuils = SeuilsPoursuite(par_produit={Product.SECTEUR_LOCAL: 10_000}, par_creancier={"CHA": 50_000})
    d = evaluate(local(rar=48_000), SATD, ON, seuils)
    assert not d.eligible and d.code == "sous_seuil" and "500,00" in d.reason and "Centre hospitalier" in d.reason
    assert evaluate(local(rar=50_000), SATD, ON, seuils).eligible
    assert evaluate(local(rar=48_000, creditor_code="AUTRE"), SATD, ON, seuils).eligible


def test_threshold_per_product_and_action():
    seuils = SeuilsPoursuite(par_produit_action={(Product.AMENDES, ActionKind.SATD_TIERS): 50_000})
    assert evaluate(amende(rar=37_500), ActionKind.SATD_BANQUE, ON, seuils).eligible
    assert not evaluate(amende(rar=37_500), ActionKind.SATD_TIERS, ON, seuils).eligible


def test_saisie_vente_needs_a_mise_en_demeure_thirty_days_before():
    d = evaluate(impot(), ActionKind.SAISIE_VENTE, ON)
    assert not d.eligible and d.code == "mise_en_demeure_absente"
    d = evaluate(impot(date_mise_en_demeure=date(2025, 5, 20)), ActionKind.SAISIE_VENTE, ON)
    assert not d.eligible and d.code == "mise_en_demeure_recente" and "19/06/2025" in d.reason
    assert evaluate(impot(date_mise_en_demeure=date(2025, 4, 1)), ActionKind.SAISIE_VENTE, ON).eligible


def test_evaluate_all_gives_every_action_a_reason():
    decisions = evaluate_all(amende(), ON)
    assert set(decisions) == set(ActionKind)
    assert all(d.reason for d in decisions.values())
    assert not decisions[ActionKind.MISE_EN_DEMEURE].eligible
    assert decisions[ActionKind.PHASE_COMMINATOIRE].eligible


def test_no_satd_is_issued_on_an_unconfirmed_rsa_and_the_refusal_names_the_file():
    from datetime import date

    from poursuites.eligibility import check_figures
    from poursuites.model import TiersKind

    after = date(2026, 4, 1)  # the 1 April 2026 RSA row is still flagged in data/rsa.toml
    d = check_figures("i1", ActionKind.SATD_BANQUE, None, after)
    assert d is not None and d.code == "figure_a_confirmer" and "poursuites/data/rsa.toml" in d.reason
    assert check_figures("i1", ActionKind.SATD_TIERS, TiersKind.EMPLOYEUR, after).code == "figure_a_confirmer"
    assert check_figures("i1", ActionKind.SATD_TIERS, TiersKind.LOCATAIRE, after) is None  # no RSA, no barème
    assert check_figures("i1", ActionKind.MISE_EN_DEMEURE, None, after) is None
    assert check_figures("i1", ActionKind.SATD_BANQUE, None, date(2026, 3, 31)) is None  # 2025 RSA confirmed
