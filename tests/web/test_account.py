"""The consolidated account page and its forms, wired directly to the real poursuites services."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import Acte, AuditLog, Demande, Document, Payment, Redevable, TiersAnswer


def _count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_the_page_shows_the_whole_account(world, client_for) -> None:
    page = client_for("agent").get(f"/redevables/{world.mine}").get_data(as_text=True)
    for text in ("DUPONT JEAN PIERRE", "Impôts (REC/RAR)", "Amendes (AMD)", "Secteur local (Hélios)",
                 "1234567890123", "AMD-77", "HEL-9",  # every source's variant, the merged account's too
                 "Pourquoi la variante Amendes (AMD) (AMD-77) est rattachée", "Date de naissance", "identique",
                 "Probabilité 99,2 %",  # the explanation as a table
                 "Impôts — reste dû 1\u202f650,00\u00a0€", "Amendes — reste dû 135,00\u00a0€",
                 "IR-2024-0001", "AFM-0003", "T-2025-44", "ans à compter du dernier acte interruptif",
                 "SATD (banque)", "Banque Populaire de Bourgogne", "FR7630006000011234567890189",
                 "SATD-TEST-0001"):
        assert text in page, text
    assert "MARTIN MARIE" not in page and "IR-2024-0099" not in page


def test_central_administration_reads_but_does_not_act(world, client_for) -> None:
    page = client_for("administration_centrale").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Plan d'action coordonné" in page
    assert "Émettre la SATD conjointe" not in page and "Enregistrer le paiement" not in page


def test_issue_joint_satd(world, client_for, csrf) -> None:
    agent = client_for("agent")
    page = agent.get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Émettre la SATD conjointe — Banque Populaire de Bourgogne" in page and "conjointe" in page
    response = agent.post(f"/redevables/{world.mine}/satd",
                          data={"satd-renseignement": str(world.bank), "csrf_token": csrf(agent)})
    assert response.status_code == 302
    page = agent.get(response.headers["Location"]).get_data(as_text=True)
    assert "SATD conjointe émise : 2 document(s)" in page
    with db.new_session() as s:
        doc = s.scalar(select(Document).where(Document.kind == "satd_redevable"))
    download = agent.get(f"/redevables/{world.mine}/documents/{doc.id}.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Type"] == "application/pdf"
    assert _count(AuditLog, AuditLog.action == "satd") == 1
    # A tiers of another account: 404.
    other = agent.post(f"/redevables/{world.assigned}/satd",
                       data={"satd-renseignement": str(world.bank), "csrf_token": csrf(agent)})
    assert other.status_code == 404


def test_record_payment_changes_the_balance(world, client_for, csrf) -> None:
    agent = client_for("agent")
    data = {"paiement-montant": "1 000,50", "paiement-recu_le": date.today().isoformat(),
            "paiement-payeur": "redevable", "paiement-moyen": "cheque", "paiement-reference": "CHQ-1",
            "csrf_token": csrf(agent)}
    response = agent.post(f"/redevables/{world.mine}/paiements", data=data)
    assert response.status_code == 302
    page = agent.get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Paiement de 1\u202f000,50\u00a0€ enregistré" in page
    assert '<p class="fr-callout__text" id="total-du">864,50\u00a0€</p>' in page
    with db.new_session() as s:
        payment = s.scalar(select(Payment))
        assert payment.amount_cents == 100_050 and payment.means == "cheque" and payment.reference == "CHQ-1"
    assert _count(AuditLog, AuditLog.action == "paiement") == 1
    # The work list sees the new balance at once.
    assert "864,50\u00a0€" in agent.get("/travail").get_data(as_text=True)


@pytest.mark.parametrize("amount", ["", "abc", "-5", "0", "12,345"])
def test_refused_payment_says_why(world, client_for, csrf, amount) -> None:
    agent = client_for("agent")
    response = agent.post(f"/redevables/{world.mine}/paiements",
                          data={"paiement-montant": amount, "paiement-recu_le": "2025-01-01",
                                "paiement-payeur": "redevable", "paiement-moyen": "cheque",
                                "csrf_token": csrf(agent)})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Paiement non enregistré" in body
    assert "Ce champ est obligatoire" in body or "Montant illisible" in body
    assert _count(Payment) == 0


def test_record_tiers_answer(world, client_for, csrf) -> None:
    agent = client_for("agent")
    data = {"reponse-acte": str(world.acte), "reponse-reponse": "positive", "reponse-montant": "500",
            "reponse-repondu_le": date.today().isoformat(), "csrf_token": csrf(agent)}
    assert agent.post(f"/redevables/{world.mine}/reponses-tiers", data=data).status_code == 302
    assert _count(TiersAnswer, TiersAnswer.acte_id == world.acte) == 1
    page = agent.get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Réponse positive du tiers détenteur" in page
    # The service's refusal is shown, in French.
    refused = agent.post(f"/redevables/{world.mine}/reponses-tiers",
                         data={**data, "reponse-reponse": "pas_de_compte", "reponse-montant": "42,42"})
    assert refused.status_code == 302
    assert "aucun montant ne peut être déclaré" in agent.get(refused.headers["Location"]).get_data(as_text=True)
    assert _count(TiersAnswer, TiersAnswer.acte_id == world.acte) == 1
    # An act of another account: 404.
    with db.transaction() as s:
        other = Acte(redevable_id=world.assigned, kind="satd_tiers", amount_cents=1, issued_on=date.today())
        s.add(other)
    response = agent.post(f"/redevables/{world.mine}/reponses-tiers", data={**data, "reponse-acte": str(other.id)})
    assert response.status_code == 404


def test_record_request(world, client_for, csrf) -> None:
    agent = client_for("agent")
    data = {"demande-type_demande": "plan_reglement", "demande-creances": [str(world.creances["ir"])],
            "demande-recue_le": "2026-01-15", "demande-details": "6 mensualités de 200 €", "csrf_token": csrf(agent)}
    assert agent.post(f"/redevables/{world.mine}/demandes", data=data).status_code == 302
    with db.new_session() as s:
        request = s.scalar(select(Demande))
        assert request.creance_ids == [world.creances["ir"]] and request.details["texte"] == "6 mensualités de 200 €"
    page = agent.get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Demande de plan de règlement" in page
    # A créance of another account: 404.
    other = {**data, "demande-creances": [str(world.creances["other"])]}
    assert agent.post(f"/redevables/{world.mine}/demandes", data=other).status_code == 404


def test_redevable_cache_is_not_the_truth(world, client_for) -> None:
    """The page lists créances through the links, whatever the display cache says."""
    with db.transaction() as s:
        s.get(Redevable, world.mine).nom = "AUTRE"
    page = client_for("agent").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "IR-2024-0001" in page and "AUTRE" in page


def test_real_service_issue_pay_and_audit(world, client_for, csrf) -> None:
    agent = client_for("agent")
    page = agent.get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Émettre la SATD conjointe — Banque Populaire de Bourgogne" in page
    data = {"satd-renseignement": str(world.bank), "csrf_token": csrf(agent)}
    first = agent.post(f"/redevables/{world.mine}/satd", data=data)
    assert "SATD conjointe émise" in agent.get(first.headers["Location"]).get_data(as_text=True)
    again = agent.post(f"/redevables/{world.mine}/satd", data=data)  # refused by the service, in French
    assert "SATD non émise" in agent.get(again.headers["Location"]).get_data(as_text=True)
    agent.post(f"/redevables/{world.mine}/paiements", data={
        "paiement-montant": "100", "paiement-recu_le": date.today().isoformat(), "paiement-payeur": "redevable",
        "paiement-moyen": "virement", "csrf_token": csrf(agent)})
    with db.new_session() as s:
        actions = [a for a in s.scalars(select(AuditLog.action).where(AuditLog.action.in_(("satd", "paiement"))))]
    assert actions.count("satd") == 1 and actions.count("paiement") == 1  # once each: by the service


def test_the_page_loads_the_account_once_and_its_plan_is_the_services(world, client_for, monkeypatch) -> None:
    """The page and its plan read one loaded account (no second load), and that plan is the one the
    service builds."""
    from mrf.services.comptes import consolide, vue
    from mrf.services.poursuites import actes

    loads: list[int] = []

    def counting(session, redevable_id, on):  # noqa: ANN001, ANN202
        loads.append(redevable_id)
        return consolide.load_account(session, redevable_id, on)

    monkeypatch.setattr(vue, "load_account", counting)
    monkeypatch.setattr(actes, "load_account", counting)
    page = client_for("agent").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert loads == [world.mine]
    plan = actes.build_plan(world.mine)
    assert plan.steps and all(f"<strong>{html.escape(step.label)}</strong>" in page for step in plan.steps)
