"""Situations that suspend or stop poursuites, unseizable tiers, SATD in force (locks, over-seizure)."""

from datetime import date

import pytest
from poursuites_fixtures import ON, amende, impot, local, source

from poursuites.catalogue import ActionKind
from poursuites.eligibility import evaluate, evaluate_all
from poursuites.model import CompteConsolide, SatdEnCours, Situation, SituationKind, TiersKind
from poursuites.plan import plan_account
from poursuites.renseignements import autre_tiers, compte_bancaire, employeur
from poursuites.situations import refus_tiers, regle_tiers

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def _bank(id="b1"):
    return compte_bancaire(id, IBAN, "Banque Exemple", source())


def _employer(id="e1"):
    return employeur(id, "73282932000074", "Société Exemple", source(), annual_net_salary_cents=2_400_000)


def _caf(id="c1"):
    return autre_tiers(id, TiersKind.CAF, "CAF de l'Yonne", source())


SURENDETTEMENT = Situation(SituationKind.SURENDETTEMENT, date(2025, 3, 1), "Banque de France", "DOS-89-001")


# ---------------------------------------------------------------- surendettement
def test_surendettement_forbids_every_enforcement_act_with_the_article():
    decisions = evaluate_all(impot(), ON, situations=(SURENDETTEMENT,))
    for action in (ActionKind.SATD_BANQUE, ActionKind.SATD_TIERS, ActionKind.SAISIE_VENTE,
                   ActionKind.MISE_EN_DEMEURE):
        d = decisions[action]
        assert not d.eligible and d.code == "surendettement"
        assert "L722-2" in d.reason and "DOS-89-001" in d.reason and "01/03/2025" in d.reason
    assert decisions[ActionKind.LETTRE_RELANCE].eligible  # a reminder is not an enforcement measure


def test_surendettement_plan_proposes_no_satd_and_refuses_every_creance():
    compte = CompteConsolide("R1", (impot(), amende(), local()), (_bank(), _employer()), (SURENDETTEMENT,))
    plan = plan_account(compte, ON)
    assert not plan.satd_steps
    assert all(s.action is ActionKind.LETTRE_RELANCE for s in plan.steps)
    assert {d.code for d in plan.decisions.values()} == {"eligible"}  # the relance only
    without = plan_account(CompteConsolide("R1", compte.creances, compte.tiers), ON)
    assert len(without.satd_steps) == 2  # control: the same account without the situation is seized


def test_surendettement_does_not_apply_before_its_date_nor_after_its_end():
    before = Situation(SituationKind.SURENDETTEMENT, date(2025, 7, 1))
    assert evaluate(impot(), ActionKind.SATD_BANQUE, ON, situations=(before,)).eligible
    ended = Situation(SituationKind.SURENDETTEMENT, date(2025, 1, 1), fin=date(2025, 5, 31))
    assert evaluate(impot(), ActionKind.SATD_BANQUE, ON, situations=(ended,)).eligible


def test_retablissement_personnel_wipes_impots_and_local_but_not_amendes():
    rp = Situation(SituationKind.RETABLISSEMENT_PERSONNEL, date(2025, 4, 1), "tribunal judiciaire", "RG 25/001")
    compte = CompteConsolide("R1", (impot(), local(), amende()), (_bank(),), (rp,))
    plan = plan_account(compte, ON)
    assert plan.decisions["i1"].code == plan.decisions["l1"].code == "retablissement_personnel"
    assert "L711-4" in plan.decisions["i1"].reason
    assert [s.creance_ids for s in plan.steps] == [("a1",)]  # the amende is still seized


# ---------------------------------------------------------------- procédure collective, décès
def test_procedure_collective_stops_earlier_creances_only():
    pc = Situation(SituationKind.PROCEDURE_COLLECTIVE, date(2025, 1, 15), "BODACC", "RJ 2025-12")
    earlier = impot("old")  # mise en recouvrement 31/07/2024
    later = impot("new", date_mise_en_recouvrement=date(2025, 2, 28), date_exigibilite=date(2025, 4, 15))
    plan = plan_account(CompteConsolide("R1", (earlier, later), (_bank(),), (pc,)), ON)
    d = plan.decisions["old"]
    assert d.code == "procedure_collective" and "L622-21" in d.reason and "déclarer la créance" in d.reason
    assert [s.creance_ids for s in plan.steps] == [("new",)]


DECES = Situation(SituationKind.DECES, date(2025, 5, 10), "état civil", "acte 123")


def test_deces_forbids_every_act_against_the_deceased():
    plan = plan_account(CompteConsolide("R1", (impot(), amende()), (_bank(),), (DECES,)), ON)
    assert not plan.steps
    assert all(d.code == "deces" and "héritiers" in d.reason for d in plan.decisions.values())
    assert "133-1" in plan.decisions["a1"].reason  # the amende is recovered on the succession


def test_deces_still_allows_an_satd_to_the_notary_of_the_succession():
    notaire = autre_tiers("n1", TiersKind.NOTAIRE, "Étude de Me Martin", source())
    plan = plan_account(CompteConsolide("R1", (impot(), amende()), (_bank(), notaire), (DECES,)), ON)
    assert [(s.tiers_kind, s.creance_ids) for s in plan.steps] == [(TiersKind.NOTAIRE, ("i1", "a1"))]
    assert evaluate(impot(), ActionKind.SATD_TIERS, ON, situations=(DECES,), tiers_kind=TiersKind.NOTAIRE).eligible
    assert evaluate(impot(), ActionKind.SATD_TIERS, ON, situations=(DECES,)).code == "deces"


# ---------------------------------------------------------------- unseizable tiers
def test_caf_is_never_targeted_and_its_reason_names_the_articles():
    plan = plan_account(CompteConsolide("R1", (amende(), impot()), (_caf(),)), ON)
    assert not plan.satd_steps
    [excluded] = plan.tiers_exclus
    assert excluded.code == "tiers_insaisissable" and excluded.tiers_kind is TiersKind.CAF
    for article in ("L553-4", "L262-48", "L845-5"):
        assert article in excluded.reason
    # with only the CAF known, the account is handled as if no tiers were known
    assert ActionKind.PHASE_COMMINATOIRE in [s.action for s in plan.steps]


def test_caf_excluded_but_bank_still_seized():
    plan = plan_account(CompteConsolide("R1", (amende(),), (_caf(), _bank())), ON)
    assert [s.tiers_kind for s in plan.steps] == [TiersKind.BANQUE]


@pytest.mark.parametrize("kind", list(TiersKind))
def test_every_tiers_kind_has_a_rule(kind):
    rule = regle_tiers(kind)
    assert rule.article
    assert (refus_tiers(kind) is None) == rule.saisissable
    assert rule.saisissable == (kind is not TiersKind.CAF)


# ---------------------------------------------------------------- SATD in force
def test_satd_in_force_with_the_same_tiers_skips_the_creance():
    lock = SatdEnCours("i1", "b1", "A-17", date(2025, 5, 20), "Banque Exemple")
    compte = CompteConsolide("R1", (impot("i1"), impot("i2", rar=30_000)), (_bank(),), satd_en_cours=(lock,))
    plan = plan_account(compte, ON)
    assert [s.creance_ids for s in plan.steps] == [("i2",)]
    d = plan.decisions["i1"]
    assert d.code == "satd_en_cours" and "A-17" in d.reason and "20/05/2025" in d.reason


def test_no_second_full_amount_satd_to_another_tiers():
    lock = SatdEnCours("i1", "b1", "A-17", date(2025, 5, 20), "Banque Exemple")
    compte = CompteConsolide("R1", (impot("i1"), impot("i2", rar=30_000)), (_bank(), _employer()),
                             satd_en_cours=(lock,))
    plan = plan_account(compte, ON)
    for step in plan.satd_steps:
        assert "i1" not in step.creance_ids  # neither the bank again nor the employer
    d = plan.decisions["i1"]
    assert d.code == "satd_en_cours" and "A-17" in d.reason
    assert d.action is ActionKind.SATD_BANQUE  # the act in force is the bank's
    assert [s.tiers_kind for s in plan.satd_steps] == [TiersKind.BANQUE, TiersKind.EMPLOYEUR]
    assert all(s.creance_ids == ("i2",) for s in plan.satd_steps)
    assert ActionKind.LETTRE_RELANCE not in [s.action for s in plan.steps]  # the SATD is the ongoing action


def test_a_situation_outranks_an_satd_in_force_in_the_reason():
    lock = SatdEnCours("i1", "b1", "A-17", date(2025, 5, 20), "Banque Exemple")
    compte = CompteConsolide("R1", (impot("i1"),), (_bank(),), (SURENDETTEMENT,), (lock,))
    assert plan_account(compte, ON).decisions["i1"].code == "surendettement"


def test_satd_in_force_with_a_tiers_no_longer_known_still_blocks_a_new_full_satd():
    lock = SatdEnCours("i1", "e9", "A-3", date(2025, 4, 2), "Ancien employeur")
    plan = plan_account(CompteConsolide("R1", (impot("i1"),), (_bank(),), satd_en_cours=(lock,)), ON)
    assert not plan.steps
    d = plan.decisions["i1"]
    assert d.code == "satd_en_cours" and "saisie excessive" in d.reason and "Ancien employeur" in d.reason
