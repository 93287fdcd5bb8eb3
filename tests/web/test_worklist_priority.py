"""The prioritised work list: barred amounts apart, the next prescription to come, a request's deadline is
the date to answer by, the priority as a sentence, and the header and the list agree."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Creance, Demande, RecordLink, Redevable, Renseignement, SourceRecord, WorklistEntry
from mrf.services.comptes import priorite, worklist


def _record_of(s, redevable_id: int) -> int:  # noqa: ANN001
    return s.scalar(select(SourceRecord.id).join(RecordLink, RecordLink.source_record_id == SourceRecord.id)
                    .where(RecordLink.redevable_id == redevable_id).limit(1))


def _entry(redevable_id: int, structure_id: int) -> WorklistEntry:
    with db.new_session() as s:
        return s.scalar(select(WorklistEntry).where(WorklistEntry.redevable_id == redevable_id,
                                                    WorklistEntry.structure_id == structure_id))


def _add_barred(world, amount_cents: int = 777_700) -> None:  # noqa: ANN001
    """A big impôts créance taken in charge 10 years ago, never interrupted: time-barred since long."""
    sid = world.structures["SIP-A"]
    with db.transaction() as s:
        s.add(Creance(source_record_id=_record_of(s, world.assigned), product="impots", reference="IR-2016",
                      nature="IR", creditor_code="ETAT", creditor_name="État", amount_initial_cents=amount_cents,
                      rar_cents=amount_cents, date_prise_en_charge=date(2016, 1, 15),
                      date_exigibilite=date(2016, 1, 15), structure_id=sid))


def test_barred_amount_is_apart_and_not_first(world, client_for) -> None:
    agent = client_for("agent")
    sid = world.structures["SIP-A"]
    agent.get("/travail")
    before = _entry(world.assigned, sid)
    _add_barred(world)
    page = agent.get("/travail?tri=prescription").get_data(as_text=True)
    after = _entry(world.assigned, sid)
    assert after.total_due_cents == before.total_due_cents  # not recoverable: not in the total
    assert after.barred_cents == 777_700
    assert after.nearest_prescription == before.nearest_prescription  # the next one to come, not 2020
    assert after.nearest_prescription is None or after.nearest_prescription > date.today()
    # WCAG 1.4.1: the barred amount says so in words, not only in red
    assert "7\u202f777,00\u00a0€ (prescrit)" in page
    assert "à proposer en non-valeur" in page


def test_request_deadline_is_the_date_to_answer_by(world, client_for) -> None:
    agent = client_for("agent")
    received = date.today() - timedelta(days=10)
    with db.transaction() as s:
        s.add(Demande(redevable_id=world.assigned, kind="contestation", received_on=received, creance_ids=[]))
    agent.get("/travail")
    entry = _entry(world.assigned, world.structures["SIP-A"])
    days = priorite.regles().request_days["contestation"]
    assert entry.next_deadline == received + timedelta(days=days) != received
    assert entry.deadline_kind == "demande"
    page = agent.get("/travail?tri=echeance").get_data(as_text=True)
    assert "demande du redevable à traiter" in page
    assert received.strftime("%d/%m/%Y") not in page.split('id="liste-de-travail"', 1)[1]


def _tiers(s, ids) -> dict[int, str | None]:  # noqa: ANN001
    """The best tiers known per account, as the rule reads it: employeur, else banque, else none."""
    kinds: dict[int, set[str]] = {}
    for rid, kind in s.execute(select(Renseignement.redevable_id, Renseignement.kind)
                               .where(Renseignement.redevable_id.in_(ids))):
        kinds.setdefault(rid, set()).add(kind)
    return {i: "employeur" if "employeur" in kinds.get(i, ()) else "banque" if "banque" in kinds.get(i, ())
            else None for i in ids}


def _python_order(rows) -> list[tuple]:  # noqa: ANN001
    with db.new_session() as s:
        tiers = _tiers(s, [r.redevable_id for r in rows])
    return [(*priorite.sort_key(r.total_due_cents, r.nearest_prescription, r.next_deadline, r.deadline_kind,
                                tiers[r.redevable_id], date.today()), -r.redevable_id) for r in rows]


def test_priority_sort_puts_recoverable_and_urgent_first(world, client_for) -> None:
    agent = client_for("agent")
    _add_barred(world, 50_000_000)  # the largest amount of all, but barred: it must not lead the list
    page = agent.get("/travail").get_data(as_text=True)
    table = page.split('id="liste-de-travail"', 1)[1]
    with db.new_session() as s:
        entries = list(s.scalars(select(WorklistEntry).where(WorklistEntry.structure_id == world.structures["SIP-A"])))
        names = {r.id: r.nom for r in s.scalars(select(Redevable))}
    q = worklist.WorklistQuery(structure_id=world.structures["SIP-A"])
    with db.new_session() as s:
        rows = worklist.fetch(s, q).rows
    assert q.normalised().sort == "priorite"
    keys = _python_order(rows)
    assert keys == sorted(keys) and len(rows) == len(entries)
    assert all(r.priority for r in rows) and "recouvrables" in rows[0].priority
    assert table.index(names[rows[0].redevable_id]) < table.index(names[rows[-1].redevable_id])


def test_sql_and_python_rules_agree_and_weigh_the_known_tiers(world, client_for) -> None:
    """SIP-B: BERNARD owes less than MARTIN but his employer is known: the expected recovery puts him first
    among the non-urgent accounts, in the SQL sort as in ``priorite.sort_key``."""
    sid = world.structures["SIP-B"]
    today = date.today()
    with db.transaction() as s:
        s.add(Creance(source_record_id=_record_of(s, world.assigned), product="impots", reference="IR-2025-0800",
                      nature="IR", creditor_code="ETAT", creditor_name="État", amount_initial_cents=50_000,
                      rar_cents=50_000, date_prise_en_charge=today - timedelta(days=100),
                      date_exigibilite=today - timedelta(days=100), structure_id=sid))
        s.add(Renseignement(redevable_id=world.assigned, kind="employeur", name="Menuiserie Bourguignonne",
                            siret="12345678900018", source="impots", observed_on=today - timedelta(days=20),
                            reliability="confirmee"))
    client_for("agent_b").get("/travail")
    with db.new_session() as s:
        rows = worklist.fetch(s, worklist.WorklistQuery(structure_id=sid)).rows
    keys = _python_order(rows)
    assert keys == sorted(keys)
    by_id = {r.redevable_id: r for r in rows}
    bernard, martin = by_id[world.assigned], by_id[world.other]
    assert bernard.total_due_cents < martin.total_due_cents  # amount order would put MARTIN first
    weights = priorite.regles().weights
    if bernard.total_due_cents * weights["employeur"] > martin.total_due_cents * weights["autre"]:
        assert rows.index(bernard) < rows.index(martin)
    else:
        assert rows.index(martin) < rows.index(bernard)
    assert "employeur connu" in bernard.priority


def test_sql_sort_applies_the_materiality_floor(world, client_for, monkeypatch) -> None:
    """MARTIN's request must be answered within days, but his 990 € stay under a floor of 1 000 €: not urgent,
    in SQL as in Python (an SQL sort without the floor would put him before BERNARD)."""
    import dataclasses

    rules = dataclasses.replace(priorite.regles(), urgency_floor_cents=100_000)
    monkeypatch.setattr(priorite, "regles", lambda on=None: rules)
    sid = world.structures["SIP-B"]
    today = date.today()
    days = rules.request_days["contestation"]
    with db.transaction() as s:
        s.add(Creance(source_record_id=_record_of(s, world.assigned), product="impots", reference="IR-2025-0800",
                      nature="IR", creditor_code="ETAT", creditor_name="État", amount_initial_cents=50_000,
                      rar_cents=50_000, date_prise_en_charge=today - timedelta(days=100),
                      date_exigibilite=today - timedelta(days=100), structure_id=sid))
        s.add(Renseignement(redevable_id=world.assigned, kind="employeur", name="Menuiserie Bourguignonne",
                            siret="12345678900018", source="impots", observed_on=today - timedelta(days=20),
                            reliability="confirmee"))
        s.add(Demande(redevable_id=world.other, kind="contestation", received_on=today - timedelta(days=days - 5),
                      creance_ids=[]))
    client_for("agent_b").get("/travail")
    with db.new_session() as s:
        rows = worklist.fetch(s, worklist.WorklistQuery(structure_id=sid)).rows
    by_id = {r.redevable_id: r for r in rows}
    martin, bernard = by_id[world.other], by_id[world.assigned]
    assert martin.deadline_kind == "demande" and martin.total_due_cents < rules.urgency_floor_cents
    assert priorite.is_urgent(martin.nearest_prescription, martin.next_deadline, today, martin.deadline_kind)
    keys = _python_order(rows)
    assert keys == sorted(keys)
    assert _python_order([martin])[0][1]  # (…, not urgent, …): under the floor
    assert rows.index(bernard) < rows.index(martin)  # 800 € × employer weight before 990 € not urgent


def test_urgency_needs_a_material_amount_and_known_tiers_weigh() -> None:
    today = date(2026, 12, 7)
    rules = priorite.regles()
    soon = today + timedelta(days=10)  # prescription within the urgency horizon
    small = priorite.sort_key(rules.urgency_floor_cents - 1, soon, None, None, None, today)
    material = priorite.sort_key(rules.urgency_floor_cents, soon, None, None, None, today)
    assert small[1] and not material[1]  # (…, not urgent, …): only the material one is urgent
    later = today + timedelta(days=rules.prescription_days + 1)
    assert priorite.sort_key(10_000_00, later, None, None, None, today)[1]  # large but not urgent
    employer = priorite.sort_key(100_000, later, None, None, "employeur", today)
    bank = priorite.sort_key(100_000, later, None, None, "banque", today)
    neither = priorite.sort_key(100_000, later, None, None, None, today)
    assert rules.weights["employeur"] > rules.weights["banque"] > rules.weights["autre"]
    assert employer < bank < neither
    assert priorite.sort_key(0, soon, None, None, "employeur", today) > neither  # nothing recoverable: last


def test_phrase_reads_as_a_sentence() -> None:
    today = date(2026, 12, 7)
    sentence = priorite.phrase(124_000, 0, today + timedelta(days=95), None, None, True, today)
    assert sentence == "1\u202f240,00\u00a0€ recouvrables, employeur connu, prescription dans 3 mois"
    nothing = priorite.phrase(0, 50_00, None, today - timedelta(days=3), "satd", False, today)
    assert nothing.startswith("Rien de recouvrable") and "prescrits, à proposer en non-valeur" in nothing
    assert "échéance dépassée" in nothing
    bank = priorite.phrase(50_000, 0, None, None, None, False, today, bank_known=True)
    assert bank == "500,00\u00a0€ recouvrables, compte bancaire connu"
    both = priorite.phrase(50_000, 0, None, None, None, True, today, bank_known=True)
    assert "employeur connu" in both and "bancaire" not in both  # the tiers that weighs in the rank


def test_header_and_list_agree_on_prescription(world, client_for) -> None:
    """The account page's nearest prescription and the list's are the same date (the library's rule)."""
    from mrf.services.poursuites.actes import build_plan

    agent = client_for("agent")
    _add_barred(world)
    agent.get("/travail")
    entry = _entry(world.assigned, world.structures["SIP-A"])
    plan = build_plan(world.assigned)
    assert entry.nearest_prescription == plan.nearest_prescription


def test_national_view_lists_each_account_once(world, client_for) -> None:
    centrale = client_for("administration_centrale")
    page = centrale.get("/travail?structure=national&tri=nom").get_data(as_text=True)
    table = page.split('id="liste-de-travail"', 1)[1]
    for name in ("BERNARD", "DUPONT", "MARTIN"):  # across SIP-A, SIP-B and TA-A
        assert table.count(f">{name} ") == 1, name
    assert "3 comptes" in page
    assert "Vue nationale" in page


def test_barred_debt_on_the_account_page_says_so_in_words(world, client_for) -> None:
    _add_barred(world)
    page = client_for("agent").get(f"/redevables/{world.assigned}").get_data(as_text=True)
    assert "(prescription acquise)" in page  # WCAG 1.4.1: not only the red colour
