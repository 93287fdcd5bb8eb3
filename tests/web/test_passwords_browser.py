"""In a real browser: a signed-in agent changes their own password from the header link (accessible form,
French messages), then signs in with the new one."""

from __future__ import annotations

from playwright.sync_api import expect

from .test_browser import PASSWORD, check_accessibility, sign_in

NEW = "tortue-lampadaire-violon-7"


def _fill(page, current: str, new: str, confirm: str) -> None:  # noqa: ANN001
    page.get_by_label("Mot de passe actuel").fill(current)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(confirm)
    page.get_by_role("button", name="Changer le mot de passe").click()
    page.wait_for_load_state()


def test_self_password_change_in_the_browser(live_server, world, chromium) -> None:  # noqa: ARG001
    base = live_server.url
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")  # axe-core is injected inline
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, "agent.a")
    page.get_by_role("link", name="Changer mon mot de passe").click()
    expect(page.get_by_role("heading", name="Changer mon mot de passe")).to_be_visible()
    check_accessibility(page, "changement de mot de passe")
    _fill(page, PASSWORD, "1234567890123", "1234567890123")
    expect(page.get_by_text("suite ou une répétition")).to_be_visible()
    assert page.get_by_label("Nouveau mot de passe", exact=True).get_attribute("aria-describedby")
    _fill(page, PASSWORD, NEW, NEW)
    expect(page.get_by_text("Mot de passe changé")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(base + "/login")
    page.get_by_label("Identifiant").fill("agent.a")
    page.get_by_label("Mot de passe").fill(NEW)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Liste de travail")).to_be_visible()
    context.close()


def test_admin_reset_page_in_the_browser(live_server, world, chromium) -> None:  # noqa: ARG001
    """The reset button on the users page, then the page showing the provisional password once (accessible)."""
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "admin")
    page.goto(live_server.url + "/administration/utilisateurs")
    page.get_by_role("button", name="Réinitialiser le mot de passe de agent.b").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Mot de passe de « agent.b » réinitialisé")).to_be_visible()
    assert len(page.locator("#mot-de-passe-provisoire").inner_text()) == 19
    check_accessibility(page, "mot de passe provisoire")
    context.close()
