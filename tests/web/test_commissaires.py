"""Pages of the commissaires de justice: saisine from the account (agents see, comptables sign),
dossiers of one's own structure only, bilan upload, statistics (HTML and CSV), on every backend."""

from __future__ import annotations

import io
from datetime import date

import pytest

from mrf.extensions import db
from mrf.models import DossierCommissaire, Payment
from mrf.services.admin.users import create_user
from mrf.services.commissaires.etudes import import_etudes_text

from cj_world import bilan_text, etudes_text, retour

PASSWORD = "cheval-agrafe-batterie-1"


@pytest.fixture
def cj(app, world):  # noqa: ANN001, ANN201
    """Études of the Yonne, a comptable and an agent of the trésorerie amendes (TA-A)."""
    with app.app_context():
        import_etudes_text(etudes_text())
        create_user("comptable.ta", "comptable", PASSWORD, "TA-A", "Comptable TA")
    world.users["comptable_ta"] = "comptable.ta"
    return world


def _dossiers() -> list[tuple[str, int | None, list[int]]]:
    """(numero, demande id, créance ids) of every dossier."""
    with db.new_session() as s:
        return [(d.numero, d.demande_id, [line.creance_id for line in d.lignes]) for d in s.query(DossierCommissaire)]


def _saisir(client, csrf, world) -> str:  # noqa: ANN001
    path = f"/commissaires/redevables/{world.mine}/saisine"
    page = client.get(path).get_data(as_text=True)
    assert "AFM-0003" in page and "Étude d&#39;Auxerre" in page
    return client.post(path, data={"csrf_token": csrf(client, path), "saisine-phase": "comminatoire",
                                   "saisine-creances": [str(world.creances["afm"])]})


def test_comptable_refers_from_the_account_and_sees_the_dossier(cj, client_for, csrf, app):
    client = client_for("comptable_ta")
    account = client.get(f"/redevables/{cj.mine}").get_data(as_text=True)
    assert f"/commissaires/redevables/{cj.mine}/saisine" in account
    response = _saisir(client, csrf, cj)
    assert response.status_code == 302 and response.headers["Location"].endswith("/commissaires/")
    dossiers = _dossiers()
    assert len(dossiers) == 1 and dossiers[0][2] == [cj.creances["afm"]]
    numero, demande_id, _ = dossiers[0]
    listing = client.get("/commissaires/").get_data(as_text=True)
    assert numero in listing and "Étude d&#39;Auxerre" in listing
    detail = client.get(f"/commissaires/dossiers/{numero}").get_data(as_text=True)
    assert "Demande de phase et état (PDF)" in detail
    pdf = client.get(f"/commissaires/demandes/{demande_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_agent_sees_but_does_not_sign(cj, client_for, csrf, app):
    create_user("agent.ta2", "agent", PASSWORD, "TA-A")
    cj.users["agent_ta2"] = "agent.ta2"
    client = client_for("agent_ta2")
    response = _saisir(client, csrf, cj)
    assert response.status_code == 403 and not _dossiers()


def test_dossiers_are_visible_to_their_structure_only(cj, client_for, csrf, app):
    _saisir(client_for("comptable_ta"), csrf, cj)
    numero = _dossiers()[0][0]
    other = client_for("agent_b")
    assert numero not in other.get("/commissaires/").get_data(as_text=True)
    assert other.get(f"/commissaires/dossiers/{numero}").status_code == 404
    assert client_for("administration_centrale").get(f"/commissaires/dossiers/{numero}").status_code == 200
    assert client_for("evaluateur").get("/commissaires/").status_code == 403


def test_bilan_upload_imputes_the_payment_and_stats_show_it(cj, client_for, csrf, app):
    client = client_for("comptable_ta")
    _saisir(client, csrf, cj)
    numero = _dossiers()[0][0]
    text = bilan_text([retour("w1", numero, "paiement", date.today(), montant=5_000, mode="autre",
                              encaisse=date.today(), poste="TA-A")], {"TA-A": 5_000}, on=date.today())
    response = client.post("/commissaires/bilans", data={
        "csrf_token": csrf(client, "/commissaires/"),
        "bilan-fichier": (io.BytesIO(text.encode()), "bilan.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    with db.new_session() as s:
        assert s.query(Payment).one().payer == "huissier"
    page = client.get("/commissaires/statistiques").get_data(as_text=True)
    assert "Étude d&#39;Auxerre" in page and "50,00" in page.replace("\u202f", " ").replace("\xa0", " ")
    csv_text = client.get("/commissaires/statistiques?critere=comptable&format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("TA-A;")
