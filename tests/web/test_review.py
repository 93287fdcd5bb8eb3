"""The review queue: pairs side by side with the reason, a decision applied at once to the accounts and
audited, undo, counts that agree, refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import AuditLog, MatchPair, RecordLink, Redevable, ReviewDecision
from mrf.services.comptes import worklist
from mrf.services.identite import revue


def _count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _accounts_of_pair(pair_id: int) -> tuple[int, int]:
    with db.new_session() as s:
        pair = s.get(MatchPair, pair_id)
        links = dict(s.execute(select(RecordLink.source_record_id, RecordLink.redevable_id).where(
            RecordLink.source_record_id.in_([pair.left_record_id, pair.right_record_id]))).all())
        return links[pair.left_record_id], links[pair.right_record_id]


def test_page_shows_pairs_side_by_side_with_reason_and_links(world, client_for) -> None:
    centrale = client_for("administration_centrale")
    page = centrale.get("/revue").get_data(as_text=True)
    assert f"Paire n° {world.pair}" in page and "probabilité 61,0 %" in page
    assert "MARTIN" in page and "BERNARD" in page  # both records
    assert "entre le seuil de revue et le seuil d" in page  # the reason, in French
    main = page.split("<h1", 1)[1].split("</main>", 1)[0]
    assert "surname" not in main and "first_names" not in main and "null" not in main  # no raw dump
    left, right = _accounts_of_pair(world.pair)
    assert f"/redevables/{left}" in page and f"/redevables/{right}" in page  # links to both accounts
    assert "(différent)" in page  # differences said in words, not only by colour
    # the title comes before the buttons
    assert page.index(f'id="paire-{world.pair}"') < page.index('value="same"')
    with db.new_session() as s:
        assert "1 paire en attente" in page and revue.pending_count(s) == 1


def test_same_person_is_applied_at_once_audited_and_undone(world, client_for, csrf) -> None:
    centrale = client_for("administration_centrale")
    agent = client_for("agent")
    agent.get("/travail")
    before = _accounts_of_pair(world.pair)
    assert before[0] != before[1]
    response = centrale.post(f"/revue/{world.pair}", data={"decision": "same", "commentaire": "vérifié",
                                                            "csrf_token": csrf(centrale)})
    assert response.status_code == 302
    after = _accounts_of_pair(world.pair)
    assert after[0] == after[1] == min(before)  # one account now, without any CLI
    with db.new_session() as s:
        assert s.get(Redevable, max(before)).merged_into_id == min(before)
        decision = s.scalar(select(ReviewDecision))
        assert decision.decision == "same" and decision.comment == "vérifié" and decision.agent_id is not None
        assert s.scalar(select(AuditLog).where(AuditLog.action == "revue_appliquee")) is not None
    # the account page of the merged account opens the surviving one; the work list follows
    assert centrale.get(f"/redevables/{max(before)}").status_code in (200, 302)
    worklist.sync()
    assert "Aucune paire à revoir" in centrale.get("/revue").get_data(as_text=True)  # decided: gone
    # a second decision on a decided pair is refused: undo first
    again = centrale.post(f"/revue/{world.pair}", data={"decision": "different", "csrf_token": csrf(centrale)})
    assert "annulez la décision précédente" in centrale.get(again.headers["Location"]).get_data(as_text=True)
    assert _count(ReviewDecision) == 1
    # undo: a new record, the accounts back, the pair back in the queue
    undo = centrale.post(f"/revue/decision/{decision.id}/annuler", data={"csrf_token": csrf(centrale)})
    assert undo.status_code == 302
    assert _count(ReviewDecision) == 2
    assert _accounts_of_pair(world.pair) == before
    with db.new_session() as s:
        assert s.get(Redevable, max(before)).merged_into_id is None
    assert f"Paire n° {world.pair}" in centrale.get("/revue").get_data(as_text=True)
    entries = {(e.structure_id, e.redevable_id, e.total_due_cents) for e in _entries()}
    worklist.sync(full=True)
    assert {(e.structure_id, e.redevable_id, e.total_due_cents) for e in _entries()} == entries


def _entries() -> list:
    from mrf.models import WorklistEntry

    with db.new_session() as s:
        return list(s.scalars(select(WorklistEntry)))


def test_refusals(world, client_for, csrf) -> None:
    centrale = client_for("administration_centrale")
    assert centrale.post("/revue/999999", data={"decision": "same", "csrf_token": csrf(centrale)}).status_code == 404
    bad = centrale.post(f"/revue/{world.pair}", data={"decision": "peut-être", "csrf_token": csrf(centrale)})
    assert "Décision inconnue" in centrale.get(bad.headers["Location"]).get_data(as_text=True)
    with db.transaction() as s:  # a pair the engine accepted was never queued: no decision on it
        s.execute(MatchPair.__table__.update().where(MatchPair.id == world.pair).values(status="accepted"))
    never = centrale.post(f"/revue/{world.pair}", data={"decision": "same", "csrf_token": csrf(centrale)})
    assert "jamais été proposée à la revue" in centrale.get(never.headers["Location"]).get_data(as_text=True)
    assert _count(ReviewDecision) == 0
    assert client_for("agent").get("/revue").status_code == 403  # central administration only
