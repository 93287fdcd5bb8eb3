"""Every decision of the job, through the services (issue 20): requests decided by the comptable with
their letter, ANV maker-checker, mainlevée total and partial, mise en demeure, the comptable's queue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import (
    Acte,
    Agent,
    AnvDecision,
    AuditLog,
    DecisionLetter,
    Document,
    Payment,
    RequestDecision,
)
from mrf.services.errors import Conflit, Interdit, Introuvable, Refus
from mrf.services.poursuites import actes, anv, decisions, demandes, file_comptable, mainlevee, relances

TODAY = date.today()


def _id(login: str) -> int:
    with db.new_session() as s:
        return s.scalar(select(Agent.id).where(Agent.login == login))


def _count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _text(doc_id: int) -> str:
    with db.new_session() as s:
        return s.get(Document, doc_id).html


@pytest.fixture
def ctx(app, world):  # noqa: ANN001, ANN201
    with app.app_context():
        yield world


def test_contestation_with_sursis_suspends_until_decided_then_letter(ctx) -> None:
    w = ctx
    req = demandes.record_request(w.mine, "contestation", [w.creances["ir"]], {"texte": "Je conteste", "sursis": True},
                                  agent_id=_id("agent.a"), received_on=TODAY)
    assert w.creances["ir"] in _contested(w.mine)
    with pytest.raises(Interdit, match="Seul le comptable"):
        decisions.decide(req.id, "refusee", "Réclamation infondée", _id("agent.a"))
    with pytest.raises(Refus, match="motif"):
        decisions.decide(req.id, "refusee", "", _id("comptable.a"))
    done = decisions.decide(req.id, "refusee", "Réclamation infondée : imposition régulière", _id("comptable.a"))
    assert w.creances["ir"] not in _contested(w.mine)  # a contestation decided lifts the suspension
    text = _text(done.document_id)
    assert done.document_number.startswith("DEC-") and done.document_number in text
    assert "est rejetée" in text and "Réclamation infondée : imposition régulière" in text and "IR-2024-0001" in text
    with pytest.raises(Refus, match="déjà décidée"):
        decisions.decide(req.id, "acceptee", "Finalement", _id("comptable.a"))
    assert _count(DecisionLetter) == 1 and _count(AuditLog, AuditLog.action == "decision_demande") == 1


def test_contestation_without_sursis_does_not_suspend(ctx) -> None:
    w = ctx
    demandes.record_request(w.mine, "contestation", [w.creances["tf"]], {"sursis": False}, received_on=TODAY)
    assert w.creances["tf"] not in _contested(w.mine)


def _contested(rid: int) -> set[int]:
    from mrf.services.comptes.consolide import load_account

    with db.new_session() as s:
        return load_account(s, rid, TODAY).contested


def test_another_structure_cannot_decide(ctx) -> None:
    w = ctx
    req = demandes.record_request(w.other, "contestation", [w.creances["other"]], {}, received_on=TODAY)
    with pytest.raises(Introuvable):
        decisions.decide(req.id, "refusee", "Hors de mon périmètre", _id("comptable.a"))
    assert _count(RequestDecision) == 0


def test_payment_plan_granted_letter_splits_instalments_then_missed_instalment_resumes(ctx) -> None:
    w = ctx
    start = TODAY - timedelta(days=70)
    req = demandes.record_request(
        w.mine, "plan_reglement", [w.creances["ir"], w.creances["tf"]], {}, received_on=start, grant=False,
        echeances=[(start + timedelta(days=10), 100_000), (start + timedelta(days=40), 65_000)])
    assert [q.id for q in file_comptable_requests(w)] == [req.id]
    done = decisions.decide(req.id, "acceptee", "Situation de l'emploi justifiée", _id("comptable.a"), on=start)
    text = _text(done.document_id)
    assert "Échéancier" in text and "IR-2024-0001 : 1\u202f000,00" in text
    assert "TF-2024-0002 : 450,00" in text and "IR-2024-0001 : 200,00" in text  # the 2nd instalment spans both
    assert file_comptable_requests(w) == []
    # Nothing paid: on issuing, the plan is found in default, recorded, and the debtor gets a letter.
    docs = actes.issue_satd(w.mine, w.bank, _id("agent.a"), TODAY)
    assert docs
    with db.new_session() as s:
        latest = demandes.latest_decision(s, req.id)
        assert latest.status == "defaillant"
        letter = s.scalar(select(Document).where(Document.kind == "plan_defaillant"))
        assert letter is not None and "les poursuites reprennent" in letter.html


def file_comptable_requests(w):  # noqa: ANN001, ANN201
    with db.new_session() as s:
        user = s.scalar(select(Agent).where(Agent.login == "comptable.a"))
        return list(file_comptable.queue(s, user).demandes)


def test_remise_gracieuse_partial_extinguishes_and_letter(ctx) -> None:
    w = ctx
    req = demandes.record_request(w.mine, "remise_gracieuse", [w.creances["tf"]], {"texte": "Difficultés"},
                                  received_on=TODAY)
    done = decisions.decide(req.id, "acceptee", "Situation de gêne avérée", _id("comptable.a"), amount_cents=5_000)
    text = _text(done.document_id)
    assert "est accueillie" in text and "400,00" in text  # the RAR left after 50,00 € remitted
    from mrf.models import Creance

    with db.new_session() as s:
        assert s.get(Creance, w.creances["tf"]).rar_cents == 40_000


def test_anv_maker_checker_and_better_fortune(ctx) -> None:
    w = ctx
    with pytest.raises(Refus, match="recherches"):
        anv.propose(w.mine, "insolvabilite", "PV de carence du 02/11/2026", "", _id("agent.a"))
    prop = anv.propose(w.mine, "insolvabilite", "PV de carence du 02/11/2026", "FICOBA, employeur, CAF : néant",
                       _id("agent.a"))
    assert prop.total_cents > 0 and prop.grounds["prescription"]
    with pytest.raises(Conflit):
        anv.propose(w.mine, "insolvabilite", "encore", "encore", _id("agent.a"))
    with pytest.raises(Interdit, match="Seul le comptable"):
        anv.decide(prop.id, True, "Insolvabilité avérée", _id("agent.a"))
    own = anv.propose(w.assigned, "insolvabilite", "PV de carence", "FICOBA néant", _id("comptable.a"))
    with pytest.raises(Interdit, match="deux niveaux"):
        anv.decide(own.id, True, "Je valide", _id("comptable.a"))
    elsewhere = anv.propose(w.other, "insolvabilite", "PV de carence", "FICOBA néant", _id("agent.b"))
    with pytest.raises(Introuvable):  # another structure's account: as if it did not exist
        anv.decide(elsewhere.id, True, "Insolvabilité avérée", _id("comptable.a"))
    anv.decide(prop.id, True, "Insolvabilité avérée", _id("comptable.a"))
    with pytest.raises(Conflit):
        anv.decide(prop.id, False, "Non", _id("comptable.a"))
    assert _count(AnvDecision, AnvDecision.status == "admise") == len(prop.creance_ids)
    with db.new_session() as s:
        assert anv.better_fortune(s, w.mine) == []
        user = s.scalar(select(Agent).where(Agent.login == "comptable.a"))
        listed = anv.listing(s, user, "ETAT")
        assert {x.reference for x in listed} >= {"IR-2024-0001", "TF-2024-0002"}
        assert "IR-2024-0001" in anv.to_csv(listed)
        assert anv.to_pdf(listed, "ETAT", TODAY).startswith(b"%PDF")
        s.add(Payment(redevable_id=w.mine, amount_cents=1_000, received_on=TODAY + timedelta(days=1), payer="redevable",
                      rule="plus_ancienne"))
        s.commit()
        signals = anv.better_fortune(s, w.mine)
        assert [x.what for x in signals] == ["Paiement de 10,00\u00a0€"]


def test_mainlevee_partial_then_total_with_documents(ctx) -> None:
    w = ctx
    with pytest.raises(Refus, match="inférieure"):
        mainlevee.release(w.acte, _id("agent.a"), "Paiement partiel", partial_cents=133_500)
    part = mainlevee.release(w.acte, _id("agent.a"), "Paiement partiel", partial_cents=33_500)
    assert part.partial and len(part.documents) == 2 and part.documents[0].startswith("MLV-")
    assert "reste en vigueur pour 1\u202f000,00" in _text(part.document_ids[0])
    with pytest.raises(Interdit, match="qui a émis la SATD"):
        mainlevee.release(w.acte, _id("agent.b"), "Pas ma SATD")
    total = mainlevee.release(w.acte, _id("agent.a"), "Solde réglé")
    assert not total.partial and total.amount_cents == 100_000
    assert "mainlevée totale" in _text(total.document_ids[1])
    with pytest.raises(Conflit):
        mainlevee.release(w.acte, _id("agent.a"), "Encore")
    with db.new_session() as s:
        assert s.get(Acte, total.acte_id).cancels_id == w.acte


def test_mise_en_demeure_preview_then_issue(ctx) -> None:
    w = ctx
    with pytest.raises(Refus, match="ne prévoit pas de lettre de relance"):
        relances.preview(w.assigned, "relance", _id("agent.a"))
    ap = relances.preview(w.assigned, "mise_en_demeure", _id("agent.a"))
    assert ap.total_cents == 30_000 and [x.reference for x in ap.lines] == ["IR-2024-0777"]
    assert _count(Acte, Acte.kind == "mise_en_demeure") == 0  # a preview writes nothing
    acte_id, number = relances.issue(w.assigned, "mise_en_demeure", _id("agent.a"))
    assert number.startswith("MED-")
    with db.new_session() as s:
        doc = s.scalar(select(Document).where(Document.number == number))
        assert doc.acte_id == acte_id and "Mise en demeure de payer".upper() in doc.html and "300,00" in doc.html
    with pytest.raises(Refus, match="ne prévoit pas"):  # done: the plan moves on
        relances.issue(w.assigned, "mise_en_demeure", _id("agent.a"))


def test_decision_on_another_structure_s_account_is_404(world, client_for, csrf, app) -> None:
    with app.app_context():
        req = demandes.record_request(world.other, "contestation", [world.creances["other"]], {},
                                      received_on=TODAY)
    comptable = client_for("comptable")
    response = comptable.post(f"/demandes/{req.id}/decision", data={
        f"d{req.id}-decision": "refusee", f"d{req.id}-motif": "Pas mon compte",
        f"d{req.id}-decide_le": TODAY.isoformat(), "csrf_token": csrf(comptable)})
    assert response.status_code == 404
    assert _count(RequestDecision) == 0
    assert "Pas mon compte" not in comptable.get("/comptable").get_data(as_text=True)


def test_renseignement_added_from_the_account_page_feeds_the_plan(world, client_for, csrf) -> None:
    agent = client_for("agent")
    url = f"/redevables/{world.assigned}/renseignements/nouveau"
    data = {"nature": "banque", "nom": "Crédit Agricole", "iban": "FR76 3000 6000 0112 3456 7890 188",
            "source": "redevable", "fiabilite": "declaree", "observe_le": TODAY.isoformat(), "csrf_token": csrf(agent)}
    refused = agent.post(url, data=data)
    assert refused.status_code == 422 and "IBAN" in refused.get_data(as_text=True)
    assert "Émettre la SATD conjointe — Crédit Agricole" not in agent.get(f"/redevables/{world.assigned}").get_data(
        as_text=True)
    ok = agent.post(url, data={**data, "iban": "FR7630006000011234567890189"})
    assert ok.status_code == 302
    page = agent.get(f"/redevables/{world.assigned}").get_data(as_text=True)
    assert "Renseignement n° " in page and "Émettre la SATD conjointe — Crédit Agricole" in page
    assert _count(AuditLog, AuditLog.action == "renseignement") >= 1
    other = client_for("agent_b")
    assert other.get(f"/redevables/{world.mine}/renseignements/nouveau").status_code == 200  # SIP-B manages one
    assert client_for("agent_ta").get(f"/redevables/{world.other}/renseignements/nouveau").status_code == 404
