"""Issue 19 in the application: situations, SATD in force as the library's input, no SATD to the CAF,
unconfirmed figures, tiers' payments and refunds, over-seizure, acknowledgements (every database)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Acte, Creance, Document, Imputation, Payment, Remboursement, Renseignement, Situation
from mrf.services.comptes.consolide import PoursuitesError
from mrf.services.poursuites import actes as service
from mrf.services.poursuites import paiements, situations, surcouverture

from mrf_poursuites_world import ON, agent_of, count, pdf_text


# ---------------------------------------------------------------------------------- situations
def test_surendettement_refuses_every_act_on_the_plan_and_on_issue(world):
    d = world.debtor(employer=True)
    assert service.build_plan(d.id, ON).satd_steps  # before: two SATDs planned
    situations.add_situation(d.id, "surendettement", date(2026, 10, 1), "BDF-89-2026-0042", today=ON)
    plan = service.build_plan(d.id, ON)
    # L722-2 suspends enforcement: no SATD, no mise en demeure; a mere reminder letter stays possible
    assert [s.action.value for s in plan.steps] == ["lettre_relance"]
    with pytest.raises(PoursuitesError, match="L722-2"):
        service.issue_satd(d.id, d.tiers["banque"], None, ON)
    assert count(Acte) == 0


def test_situation_is_append_only_idempotent_and_checked(world):
    d = world.debtor()
    first = situations.add_situation(d.id, "deces", date(2026, 9, 3), "acte 12", today=ON)
    again = situations.add_situation(d.id, "deces", date(2026, 9, 3), "acte 12", today=ON)
    assert again.id == first.id and count(Situation) == 1
    corrected = situations.add_situation(d.id, "deces", date(2026, 9, 2), "acte 12", supersedes_id=first.id, today=ON)
    assert [r.id for r in situations.situations_of(d.id)] == [corrected.id] and count(Situation) == 2
    with pytest.raises(PoursuitesError, match="déjà été corrigée"):
        situations.add_situation(d.id, "deces", date(2026, 9, 1), supersedes_id=first.id, today=ON)
    with pytest.raises(PoursuitesError, match="Situation inconnue"):
        situations.add_situation(d.id, "faillite", date(2026, 9, 1), today=ON)
    with pytest.raises(PoursuitesError, match="futur"):
        situations.add_situation(d.id, "deces", date(2026, 12, 1), today=ON)
    assert count(Situation) == 2


def test_procedure_collective_spares_creances_born_after_the_jugement(world):
    d = world.debtor()
    situations.add_situation(d.id, "procedure_collective", date(2025, 6, 1), "RG 25/118", today=ON)
    plan = service.build_plan(d.id, ON)
    # impôt mis en recouvrement 31/07/2025: after the jugement, still pursued; the others are before
    assert plan.decisions[str(d.creances["amendes"])].code == "procedure_collective"
    assert "L622-21" in plan.decisions[str(d.creances["local"])].reason
    [step] = plan.satd_steps
    assert step.creance_ids == (str(d.creances["impots"]),)


# ---------------------------------------------------------------------------------- SATD in force, CAF
def test_satd_in_force_is_library_input_and_json_steps_carry_tiers_kind(world):
    d = world.debtor(employer=True)
    service.issue_satd(d.id, d.tiers["banque"], None, ON)
    plan = service.build_plan(d.id, ON)
    data = plan.to_dict()
    # over-seizure: no second full-amount SATD to the employer for créances the bank SATD covers
    assert [s["tiers_kind"] for s in data["steps"]] == []
    codes = {c["code"] for c in data["creances"]}
    assert codes == {"satd_en_cours"} and all(c["reason"] for c in data["creances"])


def test_no_satd_is_planned_nor_issued_to_the_caf(world):
    d = world.debtor(bank=False)
    with db.transaction() as s:
        caf = Renseignement(redevable_id=d.id, kind="caf", name="CAF de l'Yonne",
                            source="agent", observed_on=date(2026, 10, 1), reliability="confirmee")
        s.add(caf)
        s.flush()
        caf_id = caf.id
    plan = service.build_plan(d.id, ON)
    assert not plan.satd_steps
    assert "L553-4" in plan.excluded_tiers[caf_id]
    assert plan.to_dict()["tiers_ecartes"][0]["renseignement_id"] == caf_id
    with pytest.raises(PoursuitesError, match="L553-4"):
        service.issue_satd(d.id, caf_id, None, ON)
    assert count(Acte) == 0


def test_an_unconfirmed_figure_refuses_the_satd_without_naming_a_file(world, monkeypatch, caplog):
    from poursuites_fixtures import flag_rsa_a_confirmer

    d = world.debtor()
    flag_rsa_a_confirmer(monkeypatch)
    with pytest.raises(PoursuitesError) as exc:
        service.issue_satd(d.id, d.tiers["banque"], None, ON)
    message = str(exc.value)
    assert "n'est pas confirmé ; l'administrateur doit le mettre à jour" in message
    assert "toml" not in message and "poursuites/" not in message
    assert "poursuites/data/rsa.toml" in caplog.text  # for the administrators
    assert count(Acte) == 0


def test_the_provisional_rsa_is_printed_as_provisional_on_the_act(world):
    d = world.debtor()
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    text = pdf_text(docs[0].pdf)
    assert "652,34" in text and "montant provisoire" in text


# ---------------------------------------------------------------------------------- tiers' payments
def test_a_tiers_payment_beyond_its_satd_is_refunded_and_leaves_other_creances_untouched(world):
    d = world.debtor(employer=True)
    with db.transaction() as s:  # the amende is not on the SATD: the bank SATD is issued before it is due
        s.get(Creance, d.creances["amendes"]).date_exigibilite = date(2026, 12, 1)
    service.issue_satd(d.id, d.tiers["banque"], None, ON)
    with db.new_session() as s:
        acte = s.scalar(select(Acte))
        covered = sorted(line.creance_id for line in acte.lines)
        acte_id = acte.id
    assert d.creances["amendes"] not in covered
    preview = paiements.preview_payment(d.id, 200_000, ON, "tiers", acte_id=acte_id, today=ON)
    assert preview.overpayment_cents == 200_000 - 120_000 - 48_000
    payment = paiements.record_payment(d.id, 200_000, ON, "tiers", acte_id=acte_id, today=ON)
    assert payment.overpayment_cents == 32_000
    with db.new_session() as s:
        lines = {i.creance_id: i.amount_cents for i in s.scalars(select(Imputation))}
        amende = s.get(Creance, d.creances["amendes"])
        [refund] = s.scalars(select(Remboursement)).all()
        doc = s.get(Document, refund.document_id)
    assert set(lines) == set(covered) and amende.rar_cents == 37_500  # never imputed elsewhere
    assert refund.amount_cents == 32_000 and refund.acte_id == acte_id and refund.beneficiary == "Banque Exemple"
    assert doc.kind == "remboursement" and doc.number.startswith("REMB-2026-")
    assert "320,00" in pdf_text(doc.pdf)


def test_a_debtor_overpayment_is_shown_before_confirming(world):
    d = world.debtor()
    preview = paiements.preview_payment(d.id, 210_000, ON, "redevable", today=ON)
    assert preview.overpayment_cents == 210_000 - 205_500
    assert count(Payment) == 0  # nothing written


# ---------------------------------------------------------------------------------- over-seizure
def test_when_seized_sums_cover_the_debt_the_satd_is_released_in_one_click_with_its_letters(world):
    from mrf.services.comptes.consolide import PoursuitesError as Refus
    from mrf.services.errors import Interdit

    d = world.debtor(employer=True, local=0)
    service.issue_satd(d.id, d.tiers["banque"], None, date(2026, 11, 2))
    with db.new_session() as s:
        bank_act = s.scalar(select(Acte))
        bank_act_id, issuer = bank_act.id, bank_act.structure_id
    assert issuer == world.structure_ids["SIP-AUXERRE"]
    comptable = agent_of("SIP-AUXERRE", "comptable.sip")
    amendes = agent_of("TA-89", "agent.amendes", "agent")  # sees the account (its amende), did not issue the SATD
    assert surcouverture.mainlevees_proposees(d.id, ON) == []
    paiements.record_payment(d.id, 157_500, ON, "tiers", acte_id=bank_act_id, today=ON)
    [m] = surcouverture.mainlevees_proposees(d.id, ON)
    assert m.acte_id == str(bank_act_id) and m.totale and "mainlevée totale" in m.reason
    docs_before = count(Document)
    with pytest.raises(Interdit, match="Seul le comptable qui a émis la SATD"):
        surcouverture.record_proposed_mainlevee(d.id, bank_act_id, amendes, ON)
    with pytest.raises(Interdit):
        surcouverture.record_proposed_mainlevee(d.id, bank_act_id, None, ON)
    assert count(Acte, Acte.cancels_id == bank_act_id) == 0 and count(Document) == docs_before

    lifted = surcouverture.record_proposed_mainlevee(d.id, bank_act_id, comptable, ON)
    assert lifted.satd_id == bank_act_id and not lifted.partial and len(lifted.documents) == 2
    with db.new_session() as s:
        act = s.get(Acte, lifted.acte_id)
        assert act.kind == "mainlevee" and act.cancels_id == bank_act_id and act.agent_id == comptable
        letters = [s.get(Document, i) for i in lifted.document_ids]
    assert {doc.kind for doc in letters} == {"mainlevee"} and all(doc.acte_id == lifted.acte_id for doc in letters)
    assert "mainlevée totale" in pdf_text(letters[0].pdf).lower()
    assert surcouverture.mainlevees_proposees(d.id, ON) == []
    with pytest.raises(Refus, match="Aucune mainlevée"):
        surcouverture.record_proposed_mainlevee(d.id, bank_act_id, comptable, ON)


# ---------------------------------------------------------------------------------- prescription
def test_a_part_payment_and_a_plan_request_move_the_prescription(world):
    from mrf.services.poursuites import demandes

    d = world.debtor(impots=0, local=0)
    cid = str(d.creances["amendes"])  # contravention titled 01/03/2025: 3 years
    before = service.build_plan(d.id, ON).to_dict()
    assert next(c for c in before["creances"] if c["id"] == int(cid))["prescription"] == "2028-03-01"
    paiements.record_payment(d.id, 1_000, date(2026, 5, 4), "redevable", today=ON)
    after = service.build_plan(d.id, ON).to_dict()
    # amendes: no interruption by acknowledgement (C. pr. pén. 707-1)
    assert next(c for c in after["creances"] if c["id"] == int(cid))["prescription"] == "2028-03-01"

    e = world.debtor(amendes=0, local=0)  # impôt: LPF L274, 4 years from the acknowledgement
    eid = e.creances["impots"]
    start = next(c for c in service.build_plan(e.id, ON).to_dict()["creances"] if c["id"] == eid)["prescription"]
    paiements.record_payment(e.id, 1_000, date(2026, 5, 4), "redevable", today=ON)
    moved = next(c for c in service.build_plan(e.id, ON).to_dict()["creances"] if c["id"] == eid)["prescription"]
    assert moved > start and moved == "2030-05-04"
    demandes.record_request(e.id, "plan_reglement", [eid], {"texte": "délais"}, received_on=date(2026, 9, 1))
    plan_moved = next(c for c in service.build_plan(e.id, ON).to_dict()["creances"] if c["id"] == eid)
    assert plan_moved["prescription"] == "2030-09-01"


def test_on_the_seeded_demo_no_satd_targets_a_caf(world):
    from mrf.demo.renseignements import _employers, plan_for_account

    employers = _employers(1)
    generated = [plan_for_account(rid, "89", date(1985, 1, 1), ON, 1, employers) for rid in range(400)]
    with_caf = [items for items in generated if any(i["kind"] == "caf" for i in items)]
    assert with_caf  # the demo does give some accounts a CAF
    for items in with_caf[:3]:
        d = world.debtor(bank=False, assigned=None)
        for item in items:
            item = dict(item)
            service.add_renseignement(d.id, item.pop("kind"), observed_on=item.pop("observed_on"), **item)
        plan = service.build_plan(d.id, ON)
        assert all(step.tiers_kind.value != "caf" for step in plan.satd_steps)
        with db.new_session() as s:
            caf_id = s.scalar(select(Renseignement.id).where(Renseignement.redevable_id == d.id,
                                                             Renseignement.kind == "caf"))
        with pytest.raises(PoursuitesError, match="L553-4"):
            service.issue_satd(d.id, caf_id, None, ON)


def test_the_act_names_its_signatory_and_identifies_each_creance(world):
    from mrf.services.admin.users import create_user

    d = world.debtor()
    agent = create_user("c.martin", "comptable", "cheval-agrafe-batterie-1", "SIP-AUXERRE", "Claire MARTIN")
    docs = service.issue_satd(d.id, d.tiers["banque"], agent.id, ON)
    for doc in docs:
        text = pdf_text(doc.pdf)
        assert "Claire MARTIN" in text and "Le comptable public" in text
        assert "mise en recouvrement le 31/07/2025" in text and "titre exécutoire le 01/03/2025" in text
        assert "montant pris en charge 1 200,00" in text.replace("\u202f", " ").replace("\u00a0", " ")


def test_the_employer_copy_applies_the_bareme_to_each_months_pay(world):
    d = world.debtor(bank=False, employer=True)
    docs = service.issue_satd(d.id, d.tiers["employeur"], None, ON)
    text = pdf_text(docs[0].pdf)
    assert "chaque mois sur la rémunération nette du mois" in text and "Barème 2026" in text
    assert "à confirmer" not in text  # décret 2025-1299: the 2026 barème is confirmed


def test_bank_and_debtor_copies_state_the_fifteen_working_days_when_the_balance_is_unknown(world):
    d = world.debtor()
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    for doc in docs:  # notice to the bank, notification to the debtor
        text = pdf_text(doc.pdf)
        assert "15 jours ouvrables" in text and "L162-1" in text, doc.kind


def _set_breakdown(creance_id: int, principal: int, majorations: int) -> None:
    with db.transaction() as s:
        c = s.get(Creance, creance_id)
        assert principal + majorations == c.amount_initial_cents
        c.principal_cents, c.majorations_cents = principal, majorations


def _plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_the_acts_print_principal_and_majorations_or_say_non_ventile(world):
    from mrf.services.admin.users import create_user
    from mrf.services.poursuites import relances
    from poursuites.model import euros

    d = world.debtor()
    with db.new_session() as s:
        impot = s.get(Creance, d.creances["impots"])
        initial = impot.amount_initial_cents
    _set_breakdown(d.creances["impots"], initial - 10_000, 10_000)
    majorations = _plain(f"dont principal {euros(initial - 10_000)} et majorations {euros(10_000)}")
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    for doc in docs:  # the notice to the bank and the notification to the debtor
        text = _plain(pdf_text(doc.pdf))
        assert majorations in text, doc.kind
        assert text.count("principal et majorations : non ventilé") == len(d.creances) - 1, doc.kind

    # a letter to the debtor identifies its créances the same way
    other = world.debtor()
    _set_breakdown(other.creances["impots"], initial - 10_000, 10_000)
    situations.add_situation(other.id, "surendettement", date(2026, 10, 1), "BDF-1", today=ON)  # relance only
    agent = create_user("c.durand", "comptable", "cheval-agrafe-batterie-1", "SIP-AUXERRE", "Claire DURAND")
    _acte, number = relances.issue(other.id, "relance", agent.id, ON)
    with db.new_session() as s:
        letter = s.scalar(select(Document).where(Document.number == number))
    text = _plain(pdf_text(letter.pdf))
    assert "Lettre de relance".upper() in text.upper() and majorations in text
    assert "non ventilé" in text
