"""In a real browser (Debian's Chromium through Playwright), against the application served on
127.0.0.1: sign in, work list, account, joint SATD and its PDF, payment, another structure's 404,
core actions without JavaScript, and the accessibility of the main pages (axe-core: no serious or
critical violation)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PASSWORD = "cheval-agrafe-batterie-1"


def sign_in(page, base: str, login: str) -> None:  # noqa: ANN001
    page.goto(base + "/login")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def check_accessibility(page, what: str) -> None:  # noqa: ANN001
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"{what} : {json.dumps(serious, ensure_ascii=False, indent=1)}"


def test_sign_in_work_list_and_account(live_server, world, page) -> None:
    base = live_server.url
    sign_in(page, base, "agent.a")
    expect(page.get_by_role("heading", name="Liste de travail")).to_be_visible()
    rows = page.locator("#liste-de-travail tbody tr")
    assert rows.count() == 2
    assert "DUPONT" in rows.nth(0).inner_text() and "1 865,00" in rows.nth(0).inner_text().replace("\u202f", " ")
    page.get_by_label("Produit dû").select_option("amendes")
    page.get_by_role("button", name="Appliquer").click()
    assert page.locator("#liste-de-travail tbody tr").count() == 1
    page.get_by_role("link", name="DUPONT JEAN PIERRE").click()
    expect(page.get_by_role("heading", name="DUPONT JEAN PIERRE")).to_be_visible()
    page.get_by_text("Pourquoi la variante Amendes (AMD) (AMD-77) est rattachée").click()
    expect(page.get_by_role("cell", name="Date de naissance").first).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


def test_joint_satd_pdf_and_payment(live_server, world, page) -> None:
    base = live_server.url
    sign_in(page, base, "agent.a")
    page.goto(f"{base}/redevables/{world.mine}")
    before = page.locator("#total-du").inner_text()
    page.get_by_role("link", name=re.compile("Émettre la SATD conjointe")).first.click()
    assert "TF-2024-0002" in page.locator("#apercu").inner_text()  # previewed, then confirmed (issue 20)
    button = page.get_by_role("button", name=re.compile("Émettre la SATD conjointe"))
    button.first.click()
    page.wait_for_load_state()
    expect(page.get_by_text(re.compile("SATD conjointe émise"))).to_be_visible()
    links = page.locator("#documents a[href$='.pdf']")
    assert links.count() >= 2
    with page.expect_download() as info:
        links.last.click()
    download = info.value
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")

    form = page.get_by_role("group", name="Un paiement")
    form.get_by_label("Montant reçu (€)").fill("200,00")
    form.get_by_label("Date de réception").fill(date.today().isoformat())
    form.get_by_label("Payé par").select_option("redevable")
    form.get_by_label("Moyen de paiement").select_option("virement")
    form.get_by_role("button", name="Enregistrer le paiement").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Confirmer et enregistrer le paiement").click()  # after the preview
    page.wait_for_load_state()
    expect(page.get_by_text(re.compile(r"Paiement de 200,00\s€ enregistré"))).to_be_visible()
    after = page.locator("#total-du").inner_text()
    assert after != before

    def cents(text: str) -> int:
        return int(re.sub(r"[^\d]", "", text))

    assert cents(before) - cents(after) == 20_000


def test_agent_of_another_structure_gets_404(live_server, world, page) -> None:
    sign_in(page, live_server.url, "agent.a")
    response = page.goto(f"{live_server.url}/redevables/{world.other}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    response = page.goto(f"{live_server.url}/redevables/{world.other}/documents/{world.other_document}.pdf")
    assert response.status == 404


def test_core_actions_work_without_javascript(live_server, world, chromium) -> None:
    context = chromium.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "agent.a")
        page.get_by_role("link", name="Recherche").click()
        page.get_by_label("Nom et prénoms").fill("dupnt jean")
        page.get_by_role("button", name="Rechercher").click()
        page.get_by_role("link", name="DUPONT JEAN PIERRE").click()
        page.get_by_label("Montant reçu (€)").fill("10")
        page.get_by_role("button", name="Enregistrer le paiement").click()
        page.get_by_role("button", name="Confirmer et enregistrer le paiement").click()  # after the preview
        expect(page.get_by_text(re.compile(r"Paiement de 10,00\s€ enregistré"))).to_be_visible()
    finally:
        context.close()


ACCESSIBILITY = [
    # (user, path builder, what)
    (None, lambda w: "/login", "connexion"),
    ("agent.a", lambda w: "/travail", "liste de travail"),
    ("agent.a", lambda w: f"/redevables/{w.mine}", "compte consolidé"),
    ("agent.a", lambda w: "/recherche?nom=dupont", "recherche"),
    ("agent.a", lambda w: f"/redevables/{w.other}", "page d'erreur"),
    ("centrale", lambda w: "/revue", "revue des rapprochements"),
    ("centrale", lambda w: "/panels/nouveau", "composition d'un panel"),
    ("evaluateur", lambda w: "/tableau-de-bord", "tableau de bord"),
    ("admin", lambda w: "/administration/audit", "journal d'audit"),
    ("admin", lambda w: "/administration/utilisateurs", "utilisateurs"),
    ("admin", lambda w: "/administration/audit/integrite", "intégrité du journal"),
]


@pytest.mark.parametrize(("login", "path", "what"), ACCESSIBILITY, ids=[a[2] for a in ACCESSIBILITY])
def test_accessibility(live_server, world, chromium, login, path, what) -> None:
    # axe is injected as an inline script: only this check bypasses the page's CSP.
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    try:
        if login:
            sign_in(page, live_server.url, login)
        page.goto(live_server.url + path(world))
        check_accessibility(page, what)
    finally:
        context.close()


def test_strict_csp_holds_in_the_browser(live_server, world, page) -> None:
    """No CSP violation on the main pages: no inline script or style slipped in."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server.url, "agent.a")
    page.goto(f"{live_server.url}/redevables/{world.mine}")
    page.goto(f"{live_server.url}/travail")
    assert not violations, violations
