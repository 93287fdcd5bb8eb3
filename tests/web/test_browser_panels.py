"""In a real browser: central administration composes a panel from the form, previews it (balance
table in words and euros), saves it as a draft and publishes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mrf_panels_world import AUXERRE
from mrf_panels_world import World as Builder

pytestmark = pytest.mark.browser

PASSWORD = "cheval-agrafe-batterie-1"


def test_compose_preview_save_publish(live_server, world, page) -> None:  # noqa: ARG001
    builder = Builder()
    for i in range(16):
        builder.debtor(AUXERRE, impots=9_000 + 311 * i, amendes=2_000 + 97 * i,
                       codes={"impots": "SIP-A", "amendes": "TA-A"})
    base = live_server.url
    page.goto(base + "/login")
    page.get_by_label("Identifiant").fill("centrale")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(base + "/panels/nouveau")
    page.get_by_label("Nom du panel").fill("auxerre-navigateur")
    page.get_by_label("1 — amendes et impôts au sein d'un SIP", exact=False).check()
    page.get_by_label("Départements (codes, séparés par des espaces)").fill("89")
    page.get_by_label("Communes (codes INSEE, facultatif : restreint le territoire)").fill("89024")
    page.get_by_label("Montant dû minimum sur les produits suivis (€)").fill("50")
    page.get_by_label("Part du groupe témoin (%)").fill("50")
    page.get_by_label("Graine du tirage").fill("2027")
    page.get_by_role("button", name="Prévisualiser").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Aperçu du panel « auxerre-navigateur »")).to_be_visible()
    balance = page.locator(".mrf-balance").inner_text().replace("\u202f", " ").replace("\u00a0", " ")
    assert "Montant total dû — moyenne traités " in balance and " € / témoins " in balance
    assert "écart standardisé" in balance and "cents" not in balance
    expect(page.get_by_role("cell", name="Comptes examinés")).to_be_visible()
    page.get_by_role("button", name="Enregistrer en brouillon").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Panel « auxerre-navigateur »")).to_be_visible()
    assert "brouillon" in page.locator("main").inner_text()
    page.get_by_role("button", name="Publier le panel").click()
    page.wait_for_load_state()
    assert "publié" in page.locator("main").inner_text()
    expect(page.get_by_role("button", name="Clore le panel")).to_be_visible()
