"""In a real browser at 1,440 px: the prioritised work list and the review queue (a page of 20 pairs under
8,000 px, a keyboard decision visible on the accounts without any CLI)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Creance, MatchPair, MatchRun, RecordLink, Redevable, SourceRecord

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


def _many_accounts(world, n: int) -> None:  # noqa: ANN001
    """``n`` more accounts in SIP-A's list, each with one recoverable amende (their plans differ from none)."""
    with db.transaction() as s:
        for i in range(n):
            person = Redevable(nom=f"LISTE{i:02d}", prenoms="PAUL", date_naissance=date(1960 + i, 3, 1))
            record = SourceRecord(source="amendes", source_key=f"WL-{i}", nom=f"LISTE{i:02d}", prenoms="PAUL",
                                  date_naissance=date(1960 + i, 3, 1), code_postal="89000", commune="AUXERRE")
            s.add_all([person, record])
            s.flush()
            s.add(RecordLink(source_record_id=record.id, redevable_id=person.id, method="singleton"))
            s.add(Creance(source_record_id=record.id, product="amendes", reference=f"AM-WL-{i}", nature="AF",
                          creditor_code="ETAT", creditor_name="État", amount_initial_cents=10_000 + i * 100,
                          rar_cents=10_000 + i * 100, date_prise_en_charge=date.today().replace(day=1),
                          date_exigibilite=date.today().replace(day=1), structure_id=world.structures["SIP-A"]))


def test_next_action_beyond_the_tenth_row_and_a_missed_instalment(live_server, world, wide_page) -> None:
    from mrf.services.comptes.consolide import load_account
    from mrf.services.poursuites.plan import plan_for

    from .test_worklist_actions import _missed_plan

    _many_accounts(world, 12)
    missed_on = date.today() - timedelta(days=20)
    _missed_plan(world, missed_on)
    page = wide_page
    sign_in(page, live_server.url, "agent.a")
    rows = page.locator("#liste-de-travail tbody tr")
    assert rows.count() >= 14
    for i in range(10, rows.count()):  # every row beyond the 10th says what to do next, as the plan says
        row = rows.nth(i)
        rid = int(row.locator("a").first.get_attribute("href").rsplit("/", 1)[1])
        with db.new_session() as s:
            plan = plan_for(load_account(s, rid, date.today()))
        cell = row.locator("td.mrf-action").inner_text()
        assert "Plan indisponible" not in cell
        assert (plan.steps[0].label if plan.steps else "Aucune action possible") in cell, (i, cell)
    page.get_by_label("Échéance la plus proche").select_option("echeancier")
    page.get_by_role("button", name="Appliquer").click()
    rows = page.locator("#liste-de-travail tbody tr")
    assert rows.count() == 1
    text = rows.nth(0).inner_text()
    assert "BERNARD" in text
    assert f"échéance d'un échéancier manquée le {missed_on:%d/%m/%Y}, reprendre les poursuites" in text
