"""Plan and joint SATD through the service, on every database backend."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Acte, ActeLine, AuditLog, Document, Renseignement, SatdLock
from mrf.services.comptes import consolide as compte_consolide
from mrf.services.errors import Refus
from mrf.services.poursuites import actes as service
from mrf.services.poursuites import mainlevee

from mrf_poursuites_world import IBAN_SAME_BANK, ON, agent_of, count, pdf_text

MESSAGE = "Une SATD est déjà en cours pour cette créance auprès de ce tiers"


def test_plan_groups_every_product_into_one_joint_satd_per_tiers(world):
    d = world.debtor(employer=True)
    plan = service.build_plan(d.id, ON)
    assert [s.action.value for s in plan.steps] == ["satd_banque", "satd_tiers"]
    every = {str(c) for c in d.creances.values()}
    for step, tiers in zip(plan.steps, ("banque", "employeur"), strict=True):
        assert set(step.creance_ids) == every and step.is_joint
        assert {p.value for p in step.products} == {"impots", "amendes", "secteur_local"}
        assert step.total_cents == 120_000 + 37_500 + 48_000
        assert [t.id for t in step.tiers] == [str(d.tiers[tiers])]
    assert set(plan.decisions) == every and all(x.eligible for x in plan.decisions.values())
    # amende (contravention) titled 01/03/2025: 3 years, the nearest
    assert plan.nearest_prescription == date(2028, 3, 1)
    assert plan.nearest_prescription_creance_id == str(d.creances["amendes"])
    assert plan.comptable == "SIP-AUXERRE" and plan.planned_cents == plan.total_rar_cents == 205_500


def test_two_accounts_in_one_bank_get_one_satd(world):
    d = world.debtor()
    service.add_renseignement(d.id, "banque", observed_on=date(2026, 11, 1), name="Banque Exemple",
                              iban=IBAN_SAME_BANK, source="ficoba", reliability="confirmee")
    plan = service.build_plan(d.id, ON)
    assert len(plan.satd_steps) == 1 and len(plan.satd_steps[0].tiers) == 2


def test_issue_writes_numbered_documents_with_l262_references_and_recourse(world):
    d = world.debtor()
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    assert [x.kind for x in docs] == ["satd_tiers", "satd_redevable"]
    assert [x.number for x in docs] == ["SATD-2026-SIP-AUXERRE-000001", "SATD-2026-SIP-AUXERRE-000002"]
    with db.new_session() as s:
        stored = s.scalars(select(Document).order_by(Document.id)).all()
        acte = s.scalar(select(Acte))
        lines = s.scalars(select(ActeLine).order_by(ActeLine.creance_id)).all()
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "satd")).all()
    assert [x.number for x in stored] == [x.number for x in docs]
    for doc in stored:
        assert doc.sha256 == hashlib.sha256(doc.pdf).hexdigest() and doc.pdf.startswith(b"%PDF")
        assert doc.acte_id == acte.id and doc.redevable_id == d.id and "<html" in doc.html
    assert acte.kind == "satd_banque" and acte.renseignement_id == d.tiers["banque"] and acte.status == "emis"
    assert acte.amount_cents == 205_500 and acte.details["documents"] == [x.number for x in docs]
    assert {x.creance_id for x in lines} == set(d.creances.values()) and all(x.recourse for x in lines)
    assert count(SatdLock) == 3
    assert len(audit) == 1 and audit[0].details["acte_id"] == acte.id

    tiers_text, debtor_text = pdf_text(docs[0].pdf), pdf_text(docs[1].pdf)
    for text in (tiers_text, debtor_text):
        assert "L262" in text
        for ref in (f"IR-2024-{1:04d}", f"AFM-{1:06d}", "2025-COM-89024-00001"):
            assert ref in text
    # the debtor's copy states the route of each product
    assert "directeur départemental ou régional des finances publiques" in debtor_text  # impôts
    assert "ministère public" in debtor_text  # amendes: the debt itself
    assert "juge de l'exécution" in debtor_text and "L1617-5" in debtor_text  # local debts
    assert "646,52" in tiers_text  # SBI left on the bank account

    # the créances are now under that SATD: no new one, and the plan says why
    plan = service.build_plan(d.id, ON)
    assert not plan.satd_steps
    assert {x.code for x in plan.decisions.values()} == {"satd_en_cours"}
    with pytest.raises(service.SatdDejaEnCours, match=MESSAGE):
        service.issue_satd(d.id, d.tiers["banque"], None, ON)
    assert count(Acte) == 1 and count(Document) == 2


def test_without_assignment_each_comptable_issues_its_own_act(world):
    d = world.debtor(assigned=None)
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    assert sorted(x.number for x in docs) == [
        "SATD-2026-SIP-AUXERRE-000001", "SATD-2026-SIP-AUXERRE-000002",
        "SATD-2026-SPL-AUXERRE-000001", "SATD-2026-SPL-AUXERRE-000002",
        "SATD-2026-TA-89-000001", "SATD-2026-TA-89-000002",
    ]
    assert count(Acte) == 3 and count(ActeLine) == 3


def test_concurrent_issues_give_exactly_one_satd(world):
    d = world.debtor()
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def issue() -> None:
        barrier.wait()
        try:
            outcomes.append(service.issue_satd(d.id, d.tiers["banque"], None, ON))
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes.append(exc)

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    successes = [o for o in outcomes if isinstance(o, list)]
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(successes) == 1 and len(failures) == 1, outcomes
    assert isinstance(failures[0], service.SatdDejaEnCours) and MESSAGE in str(failures[0])
    assert count(Acte) == 1 and count(SatdLock) == 3 and count(Document) == 2


def test_unique_lock_is_the_guard_when_the_plan_read_is_stale(world, monkeypatch):
    """Both agents computed the plan before either committed: the lock rows decide."""
    d = world.debtor()
    service.issue_satd(d.id, d.tiers["banque"], None, ON)
    real = compte_consolide.load_account

    def stale(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        account = real(*args, **kwargs)
        account.locks.clear()
        account.next_generation.clear()
        return account

    monkeypatch.setattr("mrf.services.poursuites.actes.load_account", stale)
    with pytest.raises(service.SatdDejaEnCours, match=MESSAGE):
        service.issue_satd(d.id, d.tiers["banque"], None, ON)
    assert count(Acte) == 1 and count(Document) == 2 and count(SatdLock) == 3


def test_mainlevee_then_a_new_satd_takes_the_next_generation(world):
    d = world.debtor()
    comptable = agent_of("SIP-AUXERRE", "comptable.sip")
    first = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    with pytest.raises(Refus, match="précéder"):
        mainlevee.release(first[0].acte_id, comptable, "paiement partiel", ON - timedelta(days=1))
    lifted = mainlevee.release(first[0].acte_id, comptable, "paiement partiel", ON)
    with db.new_session() as s:
        act = s.get(Acte, lifted.acte_id)
        assert act.cancels_id == first[0].acte_id and act.kind == "mainlevee"
    with pytest.raises(service.PoursuitesError, match="déjà levée"):
        service.annul_satd(first[0].acte_id, ON)
    again = service.issue_satd(d.id, d.tiers["banque"], None, ON + timedelta(days=1))
    assert again[0].number == "SATD-2026-SIP-AUXERRE-000003"
    with db.new_session() as s:
        generations = sorted(s.scalars(select(SatdLock.generation)).all())
    assert generations == [0, 0, 0, 1, 1, 1]


def test_mainlevee_keeps_the_interruption_an_annulation_voids_it(world):
    d = world.debtor()
    docs = service.issue_satd(d.id, d.tiers["banque"], None, date(2026, 10, 5))
    assert service.build_plan(d.id, ON).nearest_prescription == date(2029, 10, 5)  # every créance restarted
    mainlevee.release(docs[0].acte_id, agent_of("SIP-AUXERRE", "comptable.sip"), "soldé", date(2026, 10, 10))
    assert service.build_plan(d.id, ON).nearest_prescription == date(2029, 10, 5)
    again = service.issue_satd(d.id, d.tiers["banque"], None, date(2026, 10, 15))
    assert service.build_plan(d.id, ON).nearest_prescription == date(2029, 10, 15)
    service.annul_satd(again[0].acte_id, date(2026, 10, 16))
    assert service.build_plan(d.id, ON).nearest_prescription == date(2029, 10, 5)  # the void one does not count


def test_negative_answer_ends_the_satd_and_drops_the_tiers(world):
    d = world.debtor(employer=True)
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    with pytest.raises(service.PoursuitesError, match="aucun montant"):
        service.record_tiers_answer(docs[0].acte_id, "pas_de_compte", 100, ON)
    with pytest.raises(service.PoursuitesError, match="précéder"):
        service.record_tiers_answer(docs[0].acte_id, "pas_de_compte", 0, ON - timedelta(days=3))
    service.record_tiers_answer(docs[0].acte_id, "pas_de_compte", 0, ON)
    plan = service.build_plan(d.id, ON)
    assert [s.action.value for s in plan.steps] == ["satd_tiers"]
    assert "réponse négative" in plan.excluded_tiers[d.tiers["banque"]]
    assert service.satd_in_force(d.id, ON) == []
    with pytest.raises(service.PoursuitesError, match="écarté"):
        service.issue_satd(d.id, d.tiers["banque"], None, ON)
    # a newer bank renseignement makes the bank usable again
    with db.transaction() as s:
        s.add(Renseignement(redevable_id=d.id, kind="banque", name="Banque Exemple", iban=IBAN_SAME_BANK,
                            source="ficoba", observed_on=ON, reliability="confirmee"))
    plan = service.build_plan(d.id, ON)
    assert [s.action.value for s in plan.steps] == ["satd_banque", "satd_tiers"]


def test_unknown_account_and_tiers_are_refused_in_french(world):
    d = world.debtor()
    with pytest.raises(service.AccountNotFound, match="inconnu"):
        service.build_plan(999_999, ON)
    with pytest.raises(service.PoursuitesError, match="Tiers détenteur inconnu"):
        service.issue_satd(d.id, 999_999, None, ON)


def test_merged_account_is_planned_with_its_survivor(world):
    a = world.debtor(amendes=0, local=0)
    b = world.debtor(impots=0, bank=False, assigned=None)
    from mrf.models import Redevable

    with db.transaction() as s:
        s.get(Redevable, b.id).merged_into_id = a.id
    plan = service.build_plan(b.id, ON)  # asked through the merged id
    assert plan.redevable_id == a.id
    assert set(plan.steps[0].creance_ids) == {str(a.creances["impots"]), str(b.creances["amendes"]),
                                              str(b.creances["local"])}
    numbers = [x.number for x in service.issue_satd(b.id, a.tiers["banque"], None, ON)]
    assert all(re.fullmatch(r"SATD-2026-SIP-AUXERRE-\d{6}", n) for n in numbers)


def test_an_agent_issues_for_his_own_structure_only(world):
    from mrf.models import Agent

    assigned = world.debtor()
    free = world.debtor(assigned=None)
    with db.transaction() as s:
        agent = Agent(login="agent.ta", password_hash="x", role="agent", structure_id=world.structure_ids["TA-89"])
        s.add(agent)
        s.flush()
        agent_id = agent.id
    with pytest.raises(service.PoursuitesError, match="Compte confié à SIP d'Auxerre"):
        service.issue_satd(assigned.id, assigned.tiers["banque"], agent_id, ON)
    docs = service.issue_satd(free.id, free.tiers["banque"], agent_id, ON)
    assert [x.number for x in docs] == ["SATD-2026-TA-89-000001", "SATD-2026-TA-89-000002"]
    with db.new_session() as s:
        (acte,) = s.scalars(select(Acte)).all()
        assert [line.creance_id for line in acte.lines] == [free.creances["amendes"]]
    # the other comptables' créances stay in the plan for them, one step per comptable (issue 17)
    plan = service.build_plan(free.id, ON)
    assert sorted(tuple(step.creance_ids) for step in plan.satd_steps) == sorted(
        [(str(free.creances["impots"]),), (str(free.creances["local"]),)])


def test_an_satd_act_without_lock_rows_is_in_force_too(world):
    d = world.debtor()
    with db.transaction() as s:
        acte = Acte(redevable_id=d.id, kind="satd_banque", renseignement_id=d.tiers["banque"], amount_cents=120_000,
                    issued_on=ON - timedelta(days=5))
        acte.lines = [ActeLine(creance_id=d.creances["impots"], amount_cents=120_000)]
        s.add(acte)
    plan = service.build_plan(d.id, ON)
    assert set(plan.satd_steps[0].creance_ids) == {str(d.creances["amendes"]), str(d.creances["local"])}
    assert plan.decisions[str(d.creances["impots"])].code == "satd_en_cours"
