from datetime import date

from poursuites_fixtures import ON, amende, impot, source

from poursuites.catalogue import ActionKind
from poursuites.model import TiersKind
from poursuites.plan import PlanStep
from poursuites.renseignements import autre_tiers, compte_bancaire, employeur
from poursuites.satd import build_satd, figures_pour_tiers

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_bank_satd_without_balance_states_the_fifteen_working_days(redevable, comptable):
    bank = compte_bancaire("b1", IBAN, "Banque Exemple", source())
    satd = build_satd(redevable, bank, [impot(), amende()], comptable, ON)
    assert "15 jours ouvrables" in satd.montant.explanation and "L162-1" in satd.montant.explanation
    assert satd.figures_a_confirmer == ()  # June 2025: RSA and barème confirmed


def test_satd_after_april_2026_reports_the_unconfirmed_rsa(redevable, comptable):
    employer = employeur("e1", "73282932000074", "Société Exemple", source(), annual_net_salary_cents=2_400_000)
    satd = build_satd(redevable, employer, [impot()], comptable, date(2026, 10, 5))
    [figure] = satd.figures_a_confirmer
    assert figure.fichier == "poursuites/data/rsa.toml"
    assert "confirmer" not in satd.montant.explanation  # the 2026 barème itself is confirmed
    assert figures_pour_tiers(TiersKind.NOTAIRE, date(2026, 10, 5)) == ()


def test_plan_step_tiers_kind():
    tenant = autre_tiers("t1", TiersKind.LOCATAIRE, "Locataire", source())
    step = PlanStep(ActionKind.SATD_TIERS, ("i1",), 100, (), (tenant,))
    assert step.tiers_kind is TiersKind.LOCATAIRE
    assert PlanStep(ActionKind.LETTRE_RELANCE, ("i1",), 100, ()).tiers_kind is None
