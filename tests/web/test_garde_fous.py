"""Account page, issue 19: situations recorded by a comptable, a refused SATD says why, the payment
preview shows the refund before confirming."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import Payment, Situation


def _count(model) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_comptable_records_a_surendettement_and_the_satd_is_refused_with_the_article(world, client_for, csrf):
    comptable = client_for("comptable")
    response = comptable.post(f"/redevables/{world.mine}/situations", data={
        "situation-nature": "surendettement", "situation-date_situation": date.today().isoformat(),
        "situation-reference": "BDF-21-7", "csrf_token": csrf(comptable)})
    assert response.status_code == 302 and _count(Situation) == 1
    page = comptable.get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Situation enregistrée" in page and "recevabilité d&#39;un dossier de surendettement" in page
    assert "BDF-21-7" in page
    refused = comptable.post(f"/redevables/{world.mine}/satd",
                             data={"satd-renseignement": str(world.bank), "csrf_token": csrf(comptable)})
    page = comptable.get(refused.headers["Location"]).get_data(as_text=True)
    assert "SATD non émise" in page and "L722-2" in page


def test_an_agent_may_not_record_a_situation(world, client_for, csrf):
    agent = client_for("agent")
    page = agent.get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "Enregistrer la situation" not in page
    response = agent.post(f"/redevables/{world.mine}/situations", data={
        "situation-nature": "deces", "situation-date_situation": "2026-01-05", "csrf_token": csrf(agent)})
    assert response.status_code == 403 and _count(Situation) == 0


def test_the_payment_preview_shows_the_refund_before_confirming(world, client_for, csrf):
    agent = client_for("agent")
    data = {"paiement-montant": "100 000,00", "paiement-recu_le": date.today().isoformat(),
            "paiement-payeur": "redevable", "paiement-moyen": "virement", "csrf_token": csrf(agent)}
    preview = agent.post(f"/redevables/{world.mine}/paiements/apercu", data=data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Excédent à rembourser" in page and "Confirmer" in page
    assert _count(Payment) == 0  # nothing recorded yet


def test_the_work_list_shows_a_situation_badge(world, client_for):
    from mrf.services.poursuites import situations

    agent = client_for("agent")
    assert "mrf-situation" not in agent.get("/travail").get_data(as_text=True)
    situations.add_situation(world.mine, "deces", date(2026, 1, 5), "acte 2026-12")
    page = agent.get("/travail").get_data(as_text=True)
    row = page.split("DUPONT", 1)[1].split("</tr>", 1)[0]
    assert "mrf-situation" in row and "décès du redevable" in row
    assert "mrf-situation" not in page.split("BERNARD", 1)[1].split("</tr>", 1)[0]
