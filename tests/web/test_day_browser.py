"""In a real browser at 1,440 px: the prioritised work list and the review queue (a page of 20 pairs under
8,000 px, a keyboard decision visible on the accounts without any CLI)."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Creance, MatchPair, MatchRun, RecordLink, SourceRecord

from .test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def wide_page(chromium):  # noqa: ANN001, ANN201
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _twenty_pairs(world) -> list[int]:  # noqa: ANN001
    with db.transaction() as s:
        explanation = s.get(MatchPair, world.pair).explanation
        run = MatchRun(kind="incremental", stats={})
        s.add(run)
        s.flush()
        for i in range(3):  # a few more records, so that 20 distinct pairs exist
            s.add(SourceRecord(source="amendes", source_key=f"BR-{i}", nom="PETIT", prenoms=f"ANNE {i}",
                               date_naissance=date(1970 + i, 1, 1), code_postal="89000", commune="AUXERRE"))
        s.flush()
        ids = sorted(s.scalars(select(SourceRecord.id)))
        pairs = [MatchPair(run_id=run.id, left_record_id=a, right_record_id=b, probability=0.7,
                           explanation=explanation, status="review") for a, b in combinations(ids, 2)][:20]
        s.add_all(pairs)
        s.flush()
        return [p.id for p in pairs]


def test_review_queue_page_of_twenty_and_keyboard_decision(live_server, world, wide_page) -> None:
    pairs = _twenty_pairs(world)
    assert len(pairs) == 20
    base = live_server.url
    page = wide_page
    sign_in(page, base, world.users["administration_centrale"])
    page.goto(base + "/revue")
    assert page.locator("section.mrf-paire").count() == 20
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"hauteur d'une page de 20 paires : {height} px")
    assert height < 8000, height
    first = page.locator("section.mrf-paire").first
    assert first.locator("h2").is_visible() and first.locator(".mrf-motif").inner_text().startswith("Probabilité")
    # keyboard only: focus the comment field, Tab to « Même personne », Enter
    pair_id = int(first.get_attribute("aria-labelledby").split("-")[1])
    page.locator(f"#commentaire-{pair_id}").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "same"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Décision enregistrée et appliquée" in page.content()
    with db.new_session() as s:
        pair = s.get(MatchPair, pair_id)
        links = dict(s.execute(select(RecordLink.source_record_id, RecordLink.redevable_id).where(
            RecordLink.source_record_id.in_([pair.left_record_id, pair.right_record_id]))).all())
    assert links[pair.left_record_id] == links[pair.right_record_id]  # applied, no CLI
    page.goto(base + f"/redevables/{links[pair.left_record_id]}")
    assert page.locator("h1").count() == 1  # the merged account opens


def test_prioritised_work_list(live_server, world, wide_page) -> None:
    with db.transaction() as s:  # a time-barred créance on BERNARD's account
        record = s.scalar(select(RecordLink.source_record_id).where(RecordLink.redevable_id == world.assigned))
        s.add(Creance(source_record_id=record, product="impots", reference="IR-2016", nature="IR",
                      creditor_code="ETAT", creditor_name="État", amount_initial_cents=9_000_000,
                      rar_cents=9_000_000, date_prise_en_charge=date(2016, 1, 15),
                      date_exigibilite=date(2016, 1, 15), structure_id=world.structures["SIP-A"]))
    base = live_server.url
    page = wide_page
    sign_in(page, base, "agent.a")
    rows = page.locator("#liste-de-travail tbody tr")
    assert rows.count() == 2
    text = rows.nth(0).inner_text() + rows.nth(1).inner_text()
    assert "recouvrables" in text  # the priority as a sentence
    assert "90 000,00 € (prescrit)" in text.replace("\u202f", " ").replace("\u00a0", " ")  # words, not only red
    assert page.get_by_label("Trier par").input_value() == "priorite"
    assert "Prochaine action" in page.locator("#liste-de-travail thead").inner_text()
