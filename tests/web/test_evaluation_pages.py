"""Evaluation pages: evaluators and central administration see the comparison in words, euros and
charts, without any identity; CSV and SVG downloads open; other roles are refused."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from eval_world import build_evaluated

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def evaluated(world):  # noqa: ANN001, ANN201, ARG001
    return build_evaluated()


@pytest.mark.parametrize("role", ["evaluateur", "administration_centrale"])
def test_page_in_words_euros_and_charts_without_identity(client_for, evaluated, role) -> None:  # noqa: ANN001
    client = client_for(role)
    page = client.get("/evaluation/eval-web").get_data(as_text=True)
    assert "Comparaison traités − témoins" in page and "Écart de taux traités − témoins" in page
    assert "Groupe traité : 6 redevables devaient" in page and "\u00a0€" in page
    assert page.count("<svg") == 4  # differences + impôts, amendes, ensemble curves
    assert "Effet minimal détectable" in page and "mois depuis la publication" in page
    assert "DEBITEUR" not in page and "CLAIRE" not in page and "/comptes/" not in page
    assert "redevable_id" not in page
    index = client.get("/evaluation").get_data(as_text=True)
    assert 'href="/evaluation/eval-web"' in index and ">Évaluation</a>" in index  # nav link


def test_small_groups_say_too_small(client_for, evaluated) -> None:  # noqa: ANN001, ARG001
    page = client_for("evaluateur").get("/evaluation/eval-mini").get_data(as_text=True)
    assert "effectif trop faible" in page and "Groupe traité : 2" not in page


def test_other_roles_refused(client_for, evaluated) -> None:  # noqa: ANN001, ARG001
    assert client_for("agent").get("/evaluation/eval-web").status_code == 403
    assert client_for("administrateur").get("/evaluation").status_code == 403
    assert client_for("anonyme").get("/evaluation/eval-web").status_code == 302
    assert client_for("evaluateur").get("/evaluation/absent").status_code == 404


def test_csv_downloads_parse(client_for, evaluated) -> None:  # noqa: ANN001, ARG001
    client = client_for("evaluateur")
    response = client.get("/evaluation/eval-web/tableau.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [r["produit"] for r in rows] == ["impots", "amendes", "ensemble"]
    assert all(int(r["traites_redevables"]) == 6 and 0 <= float(r["temoins_taux"]) <= 1 for r in rows)
    curves = client.get("/evaluation/eval-web/courbes.csv")
    assert curves.mimetype == "text/csv"
    assert len(list(csv.DictReader(io.StringIO(curves.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))) == 36


def test_svg_downloads_parse(client_for, evaluated) -> None:  # noqa: ANN001, ARG001
    client = client_for("evaluateur")
    for path in ("/evaluation/eval-web/courbe-amendes.svg", "/evaluation/eval-web/ecarts.svg"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        root = ET.fromstring(response.get_data())
        assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text
    curve = ET.fromstring(client.get("/evaluation/eval-web/courbe-amendes.svg").get_data())
    assert len(curve.findall(f"{SVG}polyline")) == 2 and len(curve.findall(f"{SVG}polygon")) == 2
    assert client.get("/evaluation/eval-web/courbe-inconnu.svg").status_code == 404


def test_png_download_opens(client_for, evaluated) -> None:  # noqa: ANN001, ARG001
    from PIL import Image

    response = client_for("evaluateur").get("/evaluation/eval-web/courbe-impots.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.get_data()))
    assert image.format == "PNG" and image.size == (1280, 640)
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0, 0, 145) in colours and (201, 25, 30) in colours  # both groups' lines are drawn
