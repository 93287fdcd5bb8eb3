"""The central administration imports the commune → arrondissement table from the statistics page; a bad
file is refused with its line and reason (4xx), nothing changed; agents see no upload form."""

from __future__ import annotations

import io

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import ArrondissementCommune

GOOD = "code_insee;arrondissement;libelle\n89024;891;Auxerre\n"
BAD = GOOD + "58194;891;Nevers\n"


def _post(client, csrf, text: str):  # noqa: ANN001, ANN202
    return client.post("/commissaires/arrondissements", data={
        "csrf_token": csrf(client, "/commissaires/statistiques"),
        "arr-fichier": (io.BytesIO(text.encode()), "arrondissements.csv")}, content_type="multipart/form-data")


def test_centrale_imports_the_table_and_a_bad_file_changes_nothing(world, client_for, csrf):
    centrale = client_for("administration_centrale")
    page = centrale.get("/commissaires/statistiques?critere=arrondissement").get_data(as_text=True)
    assert "Table des arrondissements" in page
    refused = _post(centrale, csrf, BAD)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "ligne 3" in text and "rien n&#39;a été modifié" in text
    with db.new_session() as s:
        assert s.scalar(select(ArrondissementCommune)) is None
    assert _post(centrale, csrf, GOOD).status_code == 302
    with db.new_session() as s:
        assert [(r.code_insee, r.arrondissement) for r in s.scalars(select(ArrondissementCommune))] == [
            ("89024", "891")]
    agent_page = client_for("agent").get("/commissaires/statistiques").get_data(as_text=True)
    assert "Table des arrondissements" not in agent_page
