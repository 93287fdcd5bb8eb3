"""Prescription has one rule, the library's: the SQL forms the work list and the panels' summaries use
(acts in force, the debtor's acknowledgements, the start they give) are checked equal to the account
loader + ``poursuites.prescription`` on one explicit world — acts lifted, voided, void, future and not
interrupting; part-payments by the debtor (one reversed), by a tiers; payment-plan requests (one naming
an amende, which an acknowledgement does not interrupt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import (
    Creance,
    Demande,
    Imputation,
    Payment,
    Structure,
    WorklistEntry,
)
from mrf.services.admin.structures import StructureSpec, upsert_structures
from mrf.services.comptes import worklist
from mrf.services.comptes.actes import last_interrupting_act_sql
from mrf.services.comptes.consolide import load_account
from mrf.services.comptes.demandes import read_requests
from mrf.services.comptes.famille import Familles
from mrf.services.comptes.reconnaissances import last_acknowledgement_sql, reconnaissances_of
from mrf.services.comptes.resume import load_account_summaries, prescription_start_sql
from poursuites.prescription import prescription_date

from comptes_world import act, creance, merged_pair

TODAY = date.today()
DAY = timedelta(days=1)


@dataclass
class World:
    root: int
    merged: int
    creances: dict[str, int]


def _pay(s, rid: int, on: date, creance: int, payer: str = "redevable", **extra) -> Payment:  # noqa: ANN001
    payment = Payment(redevable_id=rid, amount_cents=1_000, received_on=on, payer=payer, rule="test", **extra)
    payment.imputations = [Imputation(creance_id=creance, amount_cents=1_000)]
    s.add(payment)
    s.flush()
    return payment


@pytest.fixture
def world(app) -> World:  # noqa: ARG001
    upsert_structures([
        StructureSpec("SIP-P", "SIP de Cosne (test)", "sip", "58", ("impots", "secteur_local"), ("58086",)),
        StructureSpec("TA-P", "Trésorerie amendes de Nevers (test)", "tresorerie_amendes", "58", ("amendes",),
                      ("58086",)),
    ])
    with db.transaction() as s:
        sid = {code: i for code, i in s.execute(select(Structure.code, Structure.id))}
        root, merged, records = merged_pair(s, "MOREAU", "ANNE", date(1975, 3, 4), "P",
                                            ("58086", "58200", "Cosne", "rue du Pont"))
        imp, amd, loc = records
        sip, ta = sid["SIP-P"], sid["TA-P"]
        c = {
            # acts: lifted (counts), voided by an annulation (does not), void, future, not interrupting
            "lifted": creance(s, imp, "impots", "P-IR-1", sip, TODAY - 1400 * DAY),
            "voided": creance(s, imp, "impots", "P-IR-2", sip, TODAY - 1420 * DAY),
            "future": creance(s, imp, "impots", "P-IR-3", sip, TODAY - 1410 * DAY),
            # acknowledgements: the debtor's part-payment (counts), a later reversed one and a tiers' (do not)
            "paid": creance(s, imp, "impots", "P-IR-4", sip, TODAY - 1430 * DAY),
            # a payment-plan request naming it (its id written as a string), after an SATD
            "plan": creance(s, loc, "secteur_local", "P-T-1", sip, TODAY - 1440 * DAY),
            # an amende: neither part-payment nor plan request interrupts its prescription
            "amende": creance(s, amd, "amendes", "P-AM-1", ta, TODAY - 1000 * DAY,
                               offence_category="contravention"),
            # barred already, and a créance soldée: not in the nearest prescription to come
            "barred": creance(s, imp, "impots", "P-IR-5", sip, TODAY - 1600 * DAY),
            "soldee": creance(s, imp, "impots", "P-IR-6", sip, TODAY - 1450 * DAY, rar=0, status="soldee"),
        }
        satd = act(s, root.id, "satd_banque", TODAY - 400 * DAY, [c["lifted"]])
        act(s, root.id, "mainlevee", TODAY - 300 * DAY, [], cancels_id=satd.id)
        mise = act(s, root.id, "mise_en_demeure", TODAY - 200 * DAY, [c["voided"]])
        act(s, root.id, "annulation", TODAY - 150 * DAY, [], cancels_id=mise.id)
        act(s, merged.id, "mise_en_demeure", TODAY - 100 * DAY, [c["future"]], status="annule")
        act(s, merged.id, "lettre_relance", TODAY - 50 * DAY, [c["future"], c["voided"]])
        act(s, root.id, "mise_en_demeure", TODAY + 30 * DAY, [c["future"]])
        _pay(s, root.id, TODAY - 250 * DAY, c["paid"])
        reversed_ = _pay(s, root.id, TODAY - 90 * DAY, c["paid"])
        _pay(s, root.id, TODAY - 80 * DAY, c["paid"], reverses_id=reversed_.id).imputations[0].amount_cents = -1_000
        _pay(s, root.id, TODAY - 60 * DAY, c["paid"], payer="tiers")
        _pay(s, root.id, TODAY - 40 * DAY, c["amende"])
        _pay(s, root.id, TODAY + 20 * DAY, c["barred"])  # not yet received
        act(s, root.id, "satd_tiers", TODAY - 500 * DAY, [c["plan"]])
        s.add(Demande(redevable_id=merged.id, kind="plan_reglement", received_on=TODAY - 120 * DAY,
                      creance_ids=[str(c["plan"]), c["amende"]], details={}))
        s.add(Demande(redevable_id=root.id, kind="contestation", received_on=TODAY - 30 * DAY,
                      creance_ids=[c["lifted"]], details={}))
    return World(root.id, merged.id, c)


def _sql_per_creance(as_of: date, creance_ids: list[int]) -> dict[int, date]:
    """The prescription date of each créance as the work list computes it in SQL."""
    with db.new_session() as s:
        sqlite = s.get_bind().dialect.name == "sqlite"
        act, ack = last_interrupting_act_sql(as_of), last_acknowledgement_sql(as_of, sqlite)
        start = prescription_start_sql(Creance.product, Creance.date_prise_en_charge, act.c.on, ack.c.on)
        when = worklist.prescription_expression(sqlite, Creance.product, Creance.offence_category, start)
        rows = s.execute(select(Creance.id, when).outerjoin(act, act.c.creance_id == Creance.id)
                         .outerjoin(ack, ack.c.creance_id == Creance.id).where(Creance.id.in_(creance_ids)))
        return {cid: value if isinstance(value, date) else date.fromisoformat(str(value)[:10]) for cid, value in rows}


def test_the_sql_acknowledgements_are_the_loaders(world: World) -> None:
    c, cids = world.creances, list(world.creances.values())
    for as_of in (TODAY, TODAY + 60 * DAY):
        with db.new_session() as s:
            sqlite = s.get_bind().dialect.name == "sqlite"
            requests, _ = read_requests(s, Familles({world.root: (world.root, world.merged)}), as_of)
            python = {cid: max(r.date for r in found)
                      for cid, found in reconnaissances_of(s, cids, requests[world.root], as_of).items()}
            ack = last_acknowledgement_sql(as_of, sqlite)
            sql = dict(s.execute(select(ack.c.creance_id, ack.c.on).where(ack.c.creance_id.in_(cids))).all())
        assert sql == python
    # as of today + 60 days: the part-payment, not the reversed one nor the tiers'; the plan request
    # (its id written as a string); the amende's (which its prescription ignores); the payment to come
    assert python == {c["paid"]: TODAY - 250 * DAY, c["plan"]: TODAY - 120 * DAY, c["amende"]: TODAY - 40 * DAY,
                      c["barred"]: TODAY + 20 * DAY}


@pytest.mark.parametrize("days_ahead", [0, 60])
def test_the_sql_prescription_of_each_creance_is_the_librarys(world: World, days_ahead: int) -> None:
    as_of = TODAY + days_ahead * DAY
    with db.new_session() as s:
        loaded = load_account(s, world.merged, as_of)
    library = {int(cid): prescription_date(v) for cid, v in loaded.views.items()}
    assert set(library) == set(world.creances.values())
    assert _sql_per_creance(as_of, list(library)) == library


def test_the_work_list_and_the_panel_summaries_agree_with_the_library(world: World) -> None:
    c = world.creances
    with db.new_session() as s:
        loaded = load_account(s, world.root, TODAY)
    due = {int(cid): prescription_date(v) for cid, v in loaded.views.items()
           if v.rar_cents > 0 and loaded.creances[int(cid)].status == "en_cours"}
    to_come = min(d for d in due.values() if d > TODAY)
    # the rules matter here: "voided" comes first as its annulled mise en demeure does not count; without
    # its part-payment, "paid" would come before it
    assert to_come == prescription_date(loaded.views[c["voided"]]) < prescription_date(loaded.views[c["amende"]])
    assert prescription_date(loaded.views[c["paid"]]) > to_come
    assert due[c["barred"]] <= TODAY
    worklist.sync(full=True)
    with db.new_session() as s:
        entries = list(s.scalars(select(WorklistEntry).where(WorklistEntry.redevable_id == world.root)))
        summary = {a.redevable_id: a for a in load_account_summaries(s, TODAY, [world.root])}[world.root]
    assert entries and {e.nearest_prescription for e in entries} == {to_come}
    assert summary.nearest_prescription_on == min(due.values())
    # the incremental refresh of one account computes the same
    with db.transaction() as s:
        counts: dict[str, int] = {}
        worklist.refresh_accounts(s, [world.merged], counts)
    with db.new_session() as s:
        assert {e.nearest_prescription for e in s.scalars(
            select(WorklistEntry).where(WorklistEntry.redevable_id == world.root))} == {to_come}
