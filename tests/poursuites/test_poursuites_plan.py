from datetime import date

from poursuites_fixtures import ON, amende, impot, local, source

from poursuites.catalogue import ActionKind
from poursuites.eligibility import SeuilsPoursuite
from poursuites.model import CompteConsolide, Product, TiersKind
from poursuites.plan import plan_account
from poursuites.renseignements import autre_tiers, compte_bancaire, employeur

IBAN_1 = "FR76 3000 6000 0112 3456 7890 189"
IBAN_2 = "FR14 2004 1010 0505 0001 3M02 606"
IBAN_SAME_BANK = "FR7330006000019999999999900"  # same bank code 30006 as IBAN_1


def _bank(id="b1", iban=IBAN_1, name="Banque Exemple"):
    return compte_bancaire(id, iban, name, source())


def _employer():
    return employeur("e1", "73282932000074", "Société Exemple", source(), annual_net_salary_cents=2_400_000)


def test_two_products_bank_and_employer_give_two_joint_satd_with_the_right_creances():
    creances = (
        impot("i1", rar=120_000),
        impot("i2", rar=30_000, date_exigibilite=date(2024, 12, 15)),
        amende("a_small", rar=37_500),
        amende("a_big", rar=80_000),
        amende("a_contested", rar=90_000, contested=True),
    )
    # Employer SATD on amendes only from 500 €.
    seuils = SeuilsPoursuite(par_produit_action={(Product.AMENDES, ActionKind.SATD_TIERS): 50_000})
    plan = plan_account(CompteConsolide("R1", creances, (_employer(), _bank())), ON, seuils)

    satd = plan.satd_steps
    assert [s.action for s in satd] == [ActionKind.SATD_BANQUE, ActionKind.SATD_TIERS]  # bank first
    bank, emp = satd
    assert bank.creance_ids == ("i1", "i2", "a_small", "a_big")
    assert emp.creance_ids == ("i1", "i2", "a_big")
    assert set(bank.products) == set(emp.products) == {Product.IMPOTS, Product.AMENDES}
    assert bank.total_cents == 267_500 and emp.total_cents == 230_000
    assert bank.tiers[0].kind is TiersKind.BANQUE and emp.tiers[0].kind is TiersKind.EMPLOYEUR
    assert bank.is_joint and emp.is_joint
    # Every créance has a reason; the contested one is out of every step.
    assert set(plan.decisions) == {c.id for c in creances}
    assert plan.decisions["a_contested"].reason == "Créance contestée : poursuites suspendues."
    assert all("a_contested" not in s.creance_ids for s in plan.steps)
    assert plan.total_rar_cents == 357_500 and plan.planned_cents == 267_500


def test_accounts_in_the_same_bank_get_one_satd():
    creances = (impot("i1"), local("l1"))
    tiers = (_bank("b1", IBAN_1), _bank("b2", IBAN_SAME_BANK), _bank("b3", IBAN_2, "Autre banque"))
    plan = plan_account(CompteConsolide("R1", creances, tiers), ON)
    satd = plan.satd_steps
    assert len(satd) == 2
    assert [t.id for t in satd[0].tiers] == ["b1", "b2"] and [t.id for t in satd[1].tiers] == ["b3"]


def test_no_tiers_known_gives_phase_comminatoire_and_mise_en_demeure():
    creances = (impot("i1"), amende("a1"), local("l1"), impot("i2", date_mise_en_demeure=date(2025, 1, 1)))
    plan = plan_account(CompteConsolide("R1", creances), ON)
    steps = {s.action: s.creance_ids for s in plan.steps}
    assert steps == {
        ActionKind.MISE_EN_DEMEURE: ("i1",),
        ActionKind.SAISIE_VENTE: ("i2",),
        ActionKind.PHASE_COMMINATOIRE: ("a1", "l1"),
    }
    assert not plan.satd_steps


def test_under_satd_threshold_with_tiers_known_goes_to_relance():
    seuils = SeuilsPoursuite(par_creancier={"CHA": 100_000})
    plan = plan_account(CompteConsolide("R1", (impot("i1"), local("l1")), (_bank(),)), ON, seuils)
    steps = {s.action: s.creance_ids for s in plan.steps}
    assert steps[ActionKind.SATD_BANQUE] == ("i1",)
    # Relance has the same creditor threshold: the local debt has no step and says why.
    assert ActionKind.LETTRE_RELANCE not in steps
    assert plan.decisions["l1"].code == "sous_seuil"
    seuils = SeuilsPoursuite(par_creancier_action={("CHA", ActionKind.SATD_BANQUE): 100_000})
    plan = plan_account(CompteConsolide("R1", (impot("i1"), local("l1")), (_bank(),)), ON, seuils)
    assert {s.action: s.creance_ids for s in plan.steps}[ActionKind.LETTRE_RELANCE] == ("l1",)


def test_nearest_prescription_date():
    creances = (
        impot("i1", date_mise_en_recouvrement=date(2022, 7, 31)),  # → 31/07/2026
        amende("a1", date_titre=date(2023, 3, 1)),  # → 01/03/2026
        amende("a_old", date_titre=date(2021, 3, 1)),  # already prescribed: ignored
    )
    plan = plan_account(CompteConsolide("R1", creances), ON)
    assert plan.nearest_prescription == date(2026, 3, 1) and plan.nearest_prescription_creance_id == "a1"
    assert plan.decisions["a_old"].code == "prescrite"


def test_other_tiers_kind_uses_satd_tiers():
    tenant = autre_tiers("t1", TiersKind.LOCATAIRE, "Locataire Exemple", source())
    plan = plan_account(CompteConsolide("R1", (amende(),), (tenant,)), ON)
    assert [s.action for s in plan.steps] == [ActionKind.SATD_TIERS]
    assert plan.steps[0].tiers_kind is TiersKind.LOCATAIRE
