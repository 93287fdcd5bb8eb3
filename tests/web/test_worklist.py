"""The work list: which accounts, their aggregates, filters, sorts, pages, and the precomputed
entries kept exact as the data changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from mrf.extensions import db
from mrf.models import (
    Assignment,
    Creance,
    CreanceEvent,
    MatchRun,
    RecordLink,
    Redevable,
    SourceRecord,
    TiersAnswer,
    WorklistEntry,
)
from mrf.services.comptes import vue as account_view
from mrf.services.comptes import worklist


def _names(client, query: str = "?tri=montant") -> list[str]:  # noqa: ANN001
    page = client.get("/travail" + query).get_data(as_text=True)
    table = page.split('id="liste-de-travail"', 1)[1]
    return sorted((n for n in ("DUPONT", "BERNARD", "MARTIN") if n in table), key=table.index)


def _entries() -> set[tuple]:
    with db.new_session() as s:
        return {(e.structure_id, e.redevable_id, e.total_due_cents, e.has_impots, e.has_amendes, e.has_secteur_local,
                 e.nearest_prescription, e.next_deadline, e.sort_name) for e in s.scalars(select(WorklistEntry))}


def test_the_list_of_my_structure(world, client_for) -> None:
    agent = client_for("agent")
    assert _names(agent) == ["DUPONT", "BERNARD"]  # MARTIN belongs to SIP-B only
    page = agent.get("/travail").get_data(as_text=True)
    assert "1\u202f865,00\u00a0€" in page  # 1 200 + 450 + 135 + 80 (the merged account's water bill)
    assert "2 comptes" in page
    assert _names(client_for("agent_b")) == ["DUPONT", "MARTIN", "BERNARD"]
    assert _names(client_for("agent_ta")) == ["DUPONT"]
    assert agent.get("/").get_data(as_text=True).count("DUPONT") >= 1  # the home page is the list


def test_filters_and_sorts(world, client_for) -> None:
    agent = client_for("agent")
    assert _names(agent, "?tri=montant&produit=amendes") == ["DUPONT"]
    assert _names(agent, "?tri=montant&min=500") == ["DUPONT"]
    assert _names(agent, "?tri=montant&max=500,00") == ["BERNARD"]
    assert _names(agent, "?tri=montant_croissant") == ["BERNARD", "DUPONT"]
    assert _names(agent, "?tri=montant&echeances=1") == ["DUPONT"]  # the SATD waits for the bank's answer
    assert _names(agent, "?tri=nom") == ["BERNARD", "DUPONT"]
    assert _names(agent, "?tri=prescription") == ["BERNARD", "DUPONT"]
    assert _names(agent, "?tri=echeance") == ["DUPONT", "BERNARD"]
    later = (date.today() + timedelta(days=365 * 10)).isoformat()
    assert _names(agent, f"?tri=montant&prescription_avant={later}") == ["DUPONT", "BERNARD"]
    assert _names(agent, "?tri=montant&prescription_avant=2000-01-01") == []
    bad = agent.get("/travail?min=beaucoup").get_data(as_text=True)
    assert "Montant minimum illisible" in bad


def test_aggregates_agree_with_the_account_page(world, client_for) -> None:
    client_for("agent").get("/travail")
    with db.new_session() as s:
        entry = s.scalar(select(WorklistEntry).where(WorklistEntry.redevable_id == world.mine,
                                                     WorklistEntry.structure_id == world.structures["SIP-A"]))
        view = account_view.load(s, s.get(Redevable, world.mine))
    assert entry.total_due_cents == view.total_due_cents == 186_500
    assert (entry.has_impots, entry.has_amendes, entry.has_secteur_local) == (True, True, True)
    # Nearest prescription: the earliest of every créance with something due (past ones included).
    due = [c.prescription for c in view.due_creances]
    assert entry.nearest_prescription == min(due)
    assert entry.next_deadline == date.today() - timedelta(days=10) + timedelta(days=30)


def test_central_administration_chooses_a_structure(world, client_for) -> None:
    centrale = client_for("administration_centrale")
    assert "Choisissez une structure" in centrale.get("/travail").get_data(as_text=True)
    assert _names(centrale, f"?tri=montant&structure={world.structures['TA-A']}") == ["DUPONT"]


def test_pages(world, client_for) -> None:
    client_for("agent").get("/travail")  # refresh
    with db.new_session() as s:
        sid = world.structures["SIP-A"]
        first = worklist.fetch(s, worklist.WorklistQuery(sid, per_page=1))
        second = worklist.fetch(s, worklist.WorklistQuery(sid, per_page=1, page=2))
        third = worklist.fetch(s, worklist.WorklistQuery(sid, per_page=1, page=3))
    assert [r.nom for r in first.rows] == ["DUPONT"] and first.has_next and first.total == 2
    assert [r.nom for r in second.rows] == ["BERNARD"] and not second.has_next
    assert third.rows == []


def test_entries_follow_every_change(world, client_for) -> None:
    agent = client_for("agent")
    sid = world.structures["SIP-A"]
    assert _names(agent) == ["DUPONT", "BERNARD"]
    today = date.today()
    with db.transaction() as s:
        # MARTIN is assigned to SIP-A; BERNARD gets a big new dette of SIP-A.
        s.add(Assignment(redevable_id=world.other, structure_id=sid, reason="test"))
        record = s.scalar(select(SourceRecord.id).join(RecordLink, RecordLink.source_record_id == SourceRecord.id)
                          .where(RecordLink.redevable_id == world.assigned))
        s.add(Creance(source_record_id=record, product="impots", reference="IR-NEW", nature="IR", creditor_code="ETAT",
                      creditor_name="État", amount_initial_cents=900_000, rar_cents=900_000,
                      date_prise_en_charge=today, date_exigibilite=today, structure_id=sid))
    assert _names(agent) == ["BERNARD", "DUPONT", "MARTIN"]
    with db.transaction() as s:  # a payment settles the new dette (a change of RAR, with its event)
        c = s.scalar(select(Creance).where(Creance.reference == "IR-NEW"))
        s.add(CreanceEvent(creance_id=c.id, kind="paiement", rar_before_cents=c.rar_cents, rar_after_cents=0))
        c.rar_cents, c.status = 0, "soldee"
        s.add(TiersAnswer(acte_id=world.acte, kind="positive", amount_cents=10_000, answered_on=today))
    assert _names(agent) == ["DUPONT", "MARTIN", "BERNARD"]
    assert _names(agent, "?echeances=1") == []  # the bank answered
    incremental = _entries()
    worklist.sync(full=True)
    assert _entries() == incremental  # the incremental refresh equals a full one


def test_merges_and_new_links(world, client_for) -> None:
    agent = client_for("agent")
    assert _names(agent) == ["DUPONT", "BERNARD"]
    now = datetime.now(UTC) + timedelta(seconds=1)
    with db.transaction() as s:  # matching finds BERNARD is DUPONT: links moved, younger account merged
        s.execute(update(RecordLink).where(RecordLink.redevable_id == world.assigned)
                  .values(redevable_id=world.mine, linked_at=now))
        s.execute(update(Redevable).where(Redevable.id == world.assigned).values(merged_into_id=world.mine))
        s.add(MatchRun(kind="incremental", stats={}))
    page = agent.get("/travail").get_data(as_text=True)
    assert _names(agent) == ["DUPONT"]
    assert "2\u202f165,00\u00a0€" in page
    incremental = _entries()
    worklist.sync(full=True)
    assert _entries() == incremental
    with db.new_session() as s:
        assert not s.scalar(select(WorklistEntry).where(WorklistEntry.redevable_id == world.assigned))


def test_batch_match_run_refreshes_everything(world, client_for) -> None:
    client_for("agent").get("/travail")
    with db.transaction() as s:
        s.add(MatchRun(kind="batch", stats={}))
    assert worklist.sync().mode == "complete"
    assert worklist.sync().mode == "aucune"


def test_cli_refresh(world, cli) -> None:
    result = cli.invoke(args=["worklist", "refresh", "--full"])
    assert result.exit_code == 0, result.output
    assert "mise à jour complete" in result.output
    assert len(_entries()) == 6  # DUPONT ×3 structures, BERNARD ×2, MARTIN ×1


def test_prescription_in_sql_and_on_the_page_is_the_librarys_rule(world, client_for) -> None:
    """The work list computes prescription in SQL and the page in Python: both equal the
    ``poursuites`` library's rule applied to the same créances (loaded by the one account loader)."""
    from mrf.services.comptes.consolide import load_account
    from poursuites.prescription import prescription_date

    client_for("agent").get("/travail")
    with db.new_session() as s:
        entry = s.scalar(select(WorklistEntry).where(WorklistEntry.redevable_id == world.mine,
                                                     WorklistEntry.structure_id == world.structures["SIP-A"]))
        view = account_view.load(s, s.get(Redevable, world.mine))
        account = load_account(s, world.mine, date.today())
    library = {int(cid): prescription_date(v) for cid, v in account.views.items() if v.rar_cents > 0}
    page = {c.creance.id: c.prescription for c in view.due_creances}
    assert library and page == {cid: library[cid] for cid in page}
    assert entry.nearest_prescription == min(page.values())


def test_panel_summaries_agree_with_the_account_loader(world) -> None:
    """The panels' bulk summaries and the one account loader see the same account: same family (the
    merged account's water bill counts), same reste à recouvrer per product, same nearest prescription."""
    from mrf.services.comptes.consolide import load_account
    from mrf.services.comptes.resume import load_account_summaries
    from poursuites.prescription import prescription_date

    today = date.today()
    with db.new_session() as s:
        summary = {a.redevable_id: a for a in load_account_summaries(s, today, [world.mine])}[world.mine]
        account = load_account(s, world.merged, today)  # an id merged into ``mine`` opens ``mine``
    assert account.id == world.mine and world.merged in account.family_ids
    due: dict[str, int] = {}
    for v in account.views.values():
        if v.rar_cents > 0:
            due[v.product.value] = due.get(v.product.value, 0) + v.rar_cents
    assert {p: c for p, c in summary.due_cents.items() if c} == due
    assert summary.nearest_prescription_on == min(prescription_date(v) for v in account.views.values()
                                                  if v.rar_cents > 0)


def test_a_page_does_not_queue_behind_a_refresh_under_way(world, client_for) -> None:
    """PostgreSQL: while another refresh holds the state row, a page's refresh returns at once (the page
    shows the entries as they are); once it is released, the page's refresh does the work."""
    import threading

    import pytest
    from sqlalchemy import text

    from mrf.models import WorklistState

    if not db.engine.dialect.name == "postgresql":
        pytest.skip("SQLite sérialise les écrivains : pas de verrou de ligne à contourner")
    client_for("agent").get("/travail")
    with db.transaction() as s:
        s.add(MatchRun(kind="batch", stats={}))
    outcome: list[str] = []
    with db.engine.connect() as other:
        with other.begin():  # another refresh under way
            other.execute(select(WorklistState).where(WorklistState.id == 1).with_for_update())
            other.execute(text("SELECT 1"))
            page = threading.Thread(target=lambda: outcome.append(worklist.sync_if_needed().mode))
            page.start()
            page.join(timeout=10)
            assert not page.is_alive(), "la page attend la fin de l'autre mise à jour"
            assert outcome == ["aucune"]
    assert worklist.sync_if_needed().mode == "complete"


def test_a_page_leaves_a_large_refresh_to_the_writer_at_work(world, client_for, monkeypatch) -> None:
    """More changed accounts than a page's budget while a large writer (an import's attach) is at work: the
    page shows the entries as they are and says the lists are being updated; the writer's refresh brings
    them; when the writer has not refreshed for ``PAGE_MAX_LAG``, or no writer is at work, the page does it."""
    from mrf.models import WorklistState

    agent = client_for("agent")
    sid = world.structures["SIP-A"]
    assert _names(agent) == ["DUPONT", "BERNARD"]
    monkeypatch.setattr(worklist, "PAGE_BUDGET", 1)
    worklist.sync(writer=True)  # a large writer (an import's attach) is at work
    with db.transaction() as s:  # two accounts change: MARTIN assigned to SIP-A, DUPONT's dette grows
        s.add(Assignment(redevable_id=world.other, structure_id=sid, reason="test"))
        s.add(Assignment(redevable_id=world.mine, structure_id=sid, reason="test"))
    page = agent.get("/travail?tri=montant").get_data(as_text=True)
    assert 'data-testid="mise-a-jour-en-cours"' in page and "2 comptes modifiés" in page
    assert _names(agent) == ["DUPONT", "BERNARD"]  # as they were: MARTIN not yet there
    assert "mise-a-jour-en-cours" in agent.get("/recherche?nom=martin").get_data(as_text=True)
    assert worklist.sync(writer=True).mode == "partielle"  # the writer's own refresh (no budget)
    page = agent.get("/travail?tri=montant").get_data(as_text=True)
    assert "mise-a-jour-en-cours" not in page
    assert set(_names(agent)) == {"DUPONT", "BERNARD", "MARTIN"}
    with db.transaction() as s:  # the writer stopped refreshing long ago (killed): the page does it
        for rid, reference in ((world.assigned, "IR-LAG-1"), (world.other, "IR-LAG-2")):
            record = s.scalar(select(RecordLink.source_record_id).where(RecordLink.redevable_id == rid).limit(1))
            s.add(Creance(source_record_id=record, product="impots", reference=reference, nature="IR",
                          creditor_code="ETAT", creditor_name="État", amount_initial_cents=9_000_000,
                          rar_cents=9_000_000 if rid == world.assigned else 100, date_prise_en_charge=date.today(),
                          date_exigibilite=date.today(), structure_id=sid))
        state = s.get(WorklistState, 1)
        state.writer_at = datetime.now(UTC) - worklist.PAGE_MAX_LAG - timedelta(seconds=1)
    page = agent.get("/travail?tri=montant").get_data(as_text=True)
    assert "mise-a-jour-en-cours" not in page
    assert _names(agent)[0] == "BERNARD"
    worklist.sync(writer=False)  # no writer at work: a page refreshes whatever the number of changes
    with db.transaction() as s:  # MARTIN's new dette puts him first; DUPONT changes too
        for rid, reference, cents in ((world.other, "IR-SEUL-1", 90_000_000), (world.mine, "IR-SEUL-2", 100)):
            record = s.scalar(select(RecordLink.source_record_id).where(RecordLink.redevable_id == rid).limit(1))
            s.add(Creance(source_record_id=record, product="impots", reference=reference, nature="IR",
                          creditor_code="ETAT", creditor_name="État", amount_initial_cents=cents, rar_cents=cents,
                          date_prise_en_charge=date.today(), date_exigibilite=date.today(), structure_id=sid))
    page = agent.get("/travail?tri=montant").get_data(as_text=True)
    assert "mise-a-jour-en-cours" not in page
    assert _names(agent)[0] == "MARTIN"


def test_a_large_writer_leaves_the_first_pages_next_actions_computed(world, client_for) -> None:
    """The writer that changed the accounts computes the next actions of the lists' first pages, témoins'
    per office included: the page reads them and computes no plan."""
    from mrf.models import WorklistAction
    from mrf.services.poursuites import prochaine_action as pa

    client_for("agent").get("/travail")
    with db.transaction() as s:  # a change on every account: their stored actions are dropped
        for rid in (world.mine, world.other, world.assigned):
            s.add(Assignment(redevable_id=rid, structure_id=world.structures["SIP-A"], reason="test"))
    worklist.sync()
    with db.new_session() as s:
        assert s.scalar(select(WorklistAction.redevable_id).limit(1)) is None
    worklist.WriterRefresh().done()
    with db.new_session() as s:
        listed = set(s.scalars(select(WorklistEntry.redevable_id)))
        assert set(pa.stored(s, listed, date.today())) == listed
