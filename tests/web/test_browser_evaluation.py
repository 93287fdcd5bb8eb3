"""In a real browser: an evaluator opens a panel's evaluation and sees the curves (SVG drawn inline,
under the strict CSP), the table and the download links; a screenshot is kept for the note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eval_world import build_evaluated

pytestmark = pytest.mark.browser

PASSWORD = "cheval-agrafe-batterie-1"
SCREENSHOT = Path("/work/briefs/evaluation.png")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture
def evaluated(world):  # noqa: ANN001, ANN201, ARG001
    return build_evaluated()


def _sign_in(page, base: str) -> None:  # noqa: ANN001
    page.goto(base + "/login")
    page.get_by_label("Identifiant").fill("evaluateur")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_evaluator_sees_the_curves(live_server, evaluated, page) -> None:  # noqa: ANN001, ARG001
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _sign_in(page, live_server.url)
    page.get_by_role("link", name="Évaluation", exact=True).click()
    page.get_by_role("link", name="eval-web").click()
    expect(page.get_by_role("heading", name="Évaluation du panel « eval-web »")).to_be_visible()
    chart = page.locator("#produit-amendes svg")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert page.locator("#produit-amendes svg polyline").count() == 2
    expect(page.get_by_role("rowheader", name="Amendes")).to_be_visible()
    expect(page.get_by_role("link", name="Tableau de comparaison (CSV)")).to_be_visible()
    assert "DEBITEUR" not in page.content()
    assert not violations, violations
    if SCREENSHOT.parent.is_dir():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_evaluation_page_accessibility(live_server, evaluated, chromium) -> None:  # noqa: ANN001, ARG001
    # axe is injected as an inline script: only this check bypasses the page's CSP.
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    try:
        _sign_in(page, live_server.url)
        page.goto(live_server.url + "/evaluation/eval-web")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
        assert not found, json.dumps(found, ensure_ascii=False)
    finally:
        context.close()
