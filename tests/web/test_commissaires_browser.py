"""In Chromium (Playwright): a comptable of the trésorerie amendes opens an account, follows the
plan's link to the commissaire de justice, signs the saisine and finds the dossier in the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from mrf.extensions import db
from mrf.models import DossierCommissaire
from mrf.services.admin.users import create_user
from mrf.services.commissaires.etudes import import_etudes_text

from cj_world import etudes_text

pytestmark = pytest.mark.browser
PASSWORD = "cheval-agrafe-batterie-1"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def _accessible(page, what: str) -> None:  # noqa: ANN001
    """No serious or critical axe-core violation (as the other browser tests check)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)""")
    assert not found, f"{what} : {found}"


@pytest.fixture
def page(chromium):  # noqa: ANN001, ANN201
    """A page whose context lets axe-core be injected (the application's CSP forbids inline scripts)."""
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_saisine_flow_in_the_browser(app, live_server, world, page) -> None:
    with app.app_context():
        import_etudes_text(etudes_text())
        create_user("comptable.ta", "comptable", PASSWORD, "TA-A", "Comptable TA")
    base = live_server.url
    page.goto(base + "/login")
    page.get_by_label("Identifiant").fill("comptable.ta")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    page.goto(f"{base}/redevables/{world.mine}")
    page.get_by_role("link", name="Amendes et titres du secteur local : confier à un commissaire de justice").click()
    expect(page.get_by_role("heading", name="Confier à un commissaire de justice — phase comminatoire")).to_be_visible()
    assert page.get_by_label("Confier AFM-0003").is_checked()
    assert "Étude d'Auxerre" in page.content().replace("&#39;", "'")
    _accessible(page, "saisine")
    page.get_by_role("button", name="Signer la demande de phase et transmettre").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Commissaires de justice")).to_be_visible()
    with db.new_session() as s:
        numero = s.query(DossierCommissaire).one().numero
    rows = page.locator("#dossiers tbody tr")
    assert rows.count() == 1 and numero in rows.nth(0).inner_text()
    _accessible(page, "liste des dossiers")
    page.get_by_role("link", name=numero).click()
    expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
    assert "En cours" in page.content()
    _accessible(page, "dossier")
    page.goto(base + "/commissaires/statistiques")
    expect(page.get_by_role("heading", name="Statistiques des commissaires de justice")).to_be_visible()
    _accessible(page, "statistiques")
