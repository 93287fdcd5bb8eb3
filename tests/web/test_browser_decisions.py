"""Issue 20 in a real browser (Debian's Chromium through Playwright): each decision walked by the role that
owns it — the agent records a request, the comptable decides it from his queue (counts on the home page);
ANV proposed by the agent and decided by the comptable, with the refusals (an agent deciding, the proposer
deciding his own proposal); mainlevée partial from the account page; mise en demeure previewed then issued."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Demande, Document

from .test_browser import sign_in

pytestmark = pytest.mark.browser


def _latest_request_id(app) -> int:  # noqa: ANN001
    with app.app_context(), db.new_session() as s:
        return s.scalar(select(Demande.id).order_by(Demande.id.desc()).limit(1))


def test_request_recorded_by_agent_decided_by_comptable(live_server, world, page, app) -> None:
    base = live_server.url
    sign_in(page, base, "agent.a")
    page.goto(f"{base}/redevables/{world.mine}")
    form = page.get_by_role("group", name="Une demande du redevable")
    form.get_by_label("Nature de la demande").select_option("contestation")
    form.get_by_text("IR-2024-0001 — IR").click()  # DSFR: the label covers the box
    form.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_text("Demande du redevable enregistrée.")).to_be_visible()
    expect(page.locator("#demandes").get_by_text("En attente de décision du comptable")).to_be_visible()
    rid = _latest_request_id(app)
    # The agent has no queue and cannot decide.
    page.goto(f"{base}/comptable")
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    page.goto(f"{base}/")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, base, "comptable.a")
    assert "1 demande(s) du redevable" in page.locator("#a-decider").inner_text()  # counts on the home page
    page.locator("#a-decider").get_by_role("link").click()
    card = page.locator(f"#demande-{rid}")
    assert "Avec sursis de paiement" in card.inner_text()
    card.get_by_label("Décision", exact=True).select_option("refusee")
    card.get_by_role("button", name=f"Enregistrer la décision n° {rid}").click()
    expect(page.get_by_text(re.compile("indiquez la décision, son motif"))).to_be_visible()  # no reason: refused
    card = page.locator(f"#demande-{rid}")
    card.get_by_label("Décision", exact=True).select_option("refusee")
    card.get_by_label(re.compile("Motif")).fill("Imposition régulièrement établie")
    card.get_by_role("button", name=f"Enregistrer la décision n° {rid}").click()
    expect(page.get_by_text(re.compile(r"Rejetée — courrier n° DEC-"))).to_be_visible()
    expect(page.get_by_text("Aucune demande en attente.")).to_be_visible()
    page.goto(f"{base}/redevables/{world.mine}")
    assert "Rejetée le" in page.locator("#demandes").inner_text()
    link = page.locator("#documents a", has_text="Décision sur une demande")
    with page.expect_download() as info:
        link.first.click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")


def test_anv_proposed_by_agent_decided_by_comptable_with_refusals(live_server, world, page) -> None:
    base = live_server.url
    sign_in(page, base, "agent.a")
    page.goto(f"{base}/redevables/{world.mine}")
    page.get_by_role("link", name="Proposer une admission en non-valeur").click()
    page.get_by_label("Motif", exact=True).select_option("insolvabilite")
    page.get_by_label(re.compile("Insolvabilité constatée")).fill("PV de carence du 02/11/2026")
    page.get_by_label(re.compile("Recherches effectuées")).fill("FICOBA, employeur, CAF : néant")
    page.get_by_role("button", name="Transmettre la proposition au comptable").click()
    expect(page.get_by_text(re.compile("transmise au comptable"))).to_be_visible()
    assert "en attente de la décision du comptable" in page.locator("#anv").inner_text()
    page.goto(f"{base}/comptable")  # an agent cannot decide an ANV
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    page.goto(f"{base}/")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, base, "comptable.a")
    # The comptable proposes on another account: he may not decide his own proposal.
    page.goto(f"{base}/redevables/{world.assigned}")
    page.get_by_role("link", name="Proposer une admission en non-valeur").click()
    page.get_by_label("Motif", exact=True).select_option("insolvabilite")
    page.get_by_label(re.compile("Insolvabilité constatée")).fill("PV de carence")
    page.get_by_label(re.compile("Recherches effectuées")).fill("FICOBA néant")
    page.get_by_role("button", name="Transmettre la proposition au comptable").click()
    page.goto(f"{base}/comptable")
    cards = page.locator("[id^=proposition-]")
    assert cards.count() == 2
    own = page.locator("[id^=proposition-]", has_text="BERNARD")
    own.get_by_label(re.compile("Motif")).fill("Je valide")
    own.get_by_role("button", name=re.compile("Décider la proposition")).click()
    expect(page.get_by_text(re.compile("Contrôle à deux niveaux"))).to_be_visible()
    other = page.locator("[id^=proposition-]", has_text="DUPONT")
    assert "PV de carence du 02/11/2026" in other.inner_text()
    other.get_by_label("Décision", exact=True).select_option("admettre")
    other.get_by_label(re.compile("Motif")).fill("Insolvabilité avérée")
    other.get_by_role("button", name=re.compile("Décider la proposition")).click()
    expect(page.get_by_text(re.compile("admise\\."))).to_be_visible()
    page.get_by_role("link", name=re.compile("admises en non-valeur, par créancier")).click()
    assert "IR-2024-0001" in page.locator("#liste-anv").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporter en CSV").click()
    assert "IR-2024-0001" in Path(info.value.path()).read_text(encoding="utf-8")


def test_partial_mainlevee_from_the_account_page(live_server, world, page, app) -> None:
    base = live_server.url
    sign_in(page, base, "agent.a")
    page.goto(f"{base}/redevables/{world.mine}")
    assert f"Acte n° {world.acte}" in page.locator("#satd-en-vigueur").inner_text()
    page.get_by_role("link", name=f"Mainlevée de l'acte n° {world.acte}").click()
    assert "retenu à ce jour 1\u202f335,00" in page.locator("#apercu").inner_text()  # previewed before issue
    page.get_by_label(re.compile("Mainlevée partielle")).fill("335,00")
    page.get_by_label("Motif de la mainlevée").fill("Paiement partiel reçu")
    page.get_by_role("button", name="Confirmer la mainlevée").click()
    expect(page.get_by_text(re.compile(r"Mainlevée partielle enregistrée .* courriers MLV-"))).to_be_visible()
    assert "retient 1\u202f000,00" in page.locator("#satd-en-vigueur").inner_text()
    with app.app_context(), db.new_session() as s:
        html = s.scalar(select(Document.html).where(Document.kind == "mainlevee").order_by(Document.id))
    assert "reste en vigueur pour 1\u202f000,00" in html


def test_mise_en_demeure_previewed_then_confirmed(live_server, world, page) -> None:
    base = live_server.url
    sign_in(page, base, "agent.a")
    page.goto(f"{base}/redevables/{world.assigned}")
    page.get_by_role("link", name="Préparer la mise en demeure").click()
    assert "IR-2024-0777" in page.locator("#apercu").inner_text()
    page.get_by_role("button", name=re.compile("Confirmer et émettre")).click()
    issued = re.compile(r"Mise en demeure de payer émise : acte n° \d+, courrier n° MED-")
    expect(page.get_by_text(issued)).to_be_visible()
    assert page.locator("#documents a", has_text="MED-").count() == 1
