"""The one account loader and what is built on it: the account page reads the loaded account, the
panels' bulk summaries agree with it, and the SQL form of the last interrupting act is the loader's
rule — on one account whose acts exercise every case (lifted, voided, void, future, not interrupting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import (
    AnvDecision,
    Demande,
    Imputation,
    Payment,
    RecordLink,
    Redevable,
    Renseignement,
    RequestDecision,
    SatdLock,
    Situation,
    SourceRecord,
    Structure,
    TiersAnswer,
)
from mrf.services.admin.structures import StructureSpec, upsert_structures
from mrf.services.comptes import famille, vue
from mrf.services.comptes.actes import interrupting_dates, last_interrupting_act_sql, read_acts
from mrf.services.comptes.consolide import AccountNotFound, load_account, load_accounts
from mrf.services.comptes.creances import read_creances
from mrf.services.comptes.resume import load_account_summaries
from poursuites.prescription import prescription_date

from comptes_world import act, creance, merged_pair

TODAY = date.today()


@dataclass
class Account:
    root: int
    merged: int
    creances: dict[str, int]  # name -> créance id
    acts: dict[str, date]  # name -> issue date of the act that should count


@pytest.fixture
def account(app) -> Account:  # noqa: ARG001
    upsert_structures([
        StructureSpec("SIP-C", "SIP de Clamecy (test)", "sip", "58", ("impots",), ("58079",)),
        StructureSpec("TA-C", "Trésorerie amendes de la Nièvre (test)", "tresorerie_amendes", "58", ("amendes",),
                      ("58079",)),
    ])
    with db.transaction() as s:
        sid = {code: i for code, i in s.execute(select(Structure.code, Structure.id))}
        root, merged, records = merged_pair(s, "LEROY", "PAUL", date(1970, 1, 2), "K",
                                            ("58079", "58500", "Clamecy", "rue du Port"))
        c = {
            "plain": creance(s, records[0], "impots", "IR-1", sid["SIP-C"], TODAY - timedelta(days=900), rar=40_000),
            "lifted": creance(s, records[0], "impots", "IR-2", sid["SIP-C"], TODAY - timedelta(days=1400), rar=30_000),
            "future": creance(s, records[0], "impots", "IR-3", sid["SIP-C"], TODAY - timedelta(days=800), rar=20_000),
            "voided": creance(s, records[1], "amendes", "AM-1", sid["TA-C"], TODAY - timedelta(days=1000), rar=15_000,
                               offence_category="contravention"),
            "void": creance(s, records[2], "secteur_local", "T-1", sid["SIP-C"], TODAY - timedelta(days=700),
                            rar=9_000),
            "hospital": creance(s, records[2], "secteur_local", "H-1", sid["SIP-C"], TODAY - timedelta(days=600),
                                rar=7_000, is_hospital=True),
            "paid": creance(s, records[0], "impots", "IR-0", sid["SIP-C"], TODAY - timedelta(days=2000), rar=0,
                             status="soldee"),
        }
        acts: dict[str, date] = {}
        # an SATD later lifted by a mainlevée: it did interrupt prescription
        satd = act(s, root.id, "satd_banque", TODAY - timedelta(days=400), [c["lifted"]])
        act(s, root.id, "mainlevee", TODAY - timedelta(days=300), [], cancels_id=satd.id)
        acts["lifted"] = satd.issued_on
        # an earlier SATD counts; a later mise en demeure voided by an annulation does not
        acts["voided"] = act(s, root.id, "satd_tiers", TODAY - timedelta(days=600), [c["voided"]]).issued_on
        mise = act(s, root.id, "mise_en_demeure", TODAY - timedelta(days=200), [c["voided"]])
        act(s, root.id, "annulation", TODAY - timedelta(days=150), [], cancels_id=mise.id)
        # an act recorded void, and a letter that interrupts nothing
        act(s, merged.id, "mise_en_demeure", TODAY - timedelta(days=100), [c["void"]], status="annule")
        act(s, merged.id, "lettre_relance", TODAY - timedelta(days=50), [c["void"]])
        # an act dated after today counts only from its date
        acts["future"] = act(s, root.id, "mise_en_demeure", TODAY + timedelta(days=30), [c["future"]]).issued_on
        # a contestation still open, with sursis de paiement
        s.add(Demande(redevable_id=root.id, kind="contestation", received_on=TODAY - timedelta(days=20),
                      creance_ids=[c["plain"]], details={"sursis": True}))
    return Account(root.id, merged.id, c, acts)


def _sql_last_acts(as_of: date, creance_ids: list[int]) -> dict[int, date]:
    last = last_interrupting_act_sql(as_of)
    with db.new_session() as s:
        return {cid: on for cid, on in s.execute(select(last.c.creance_id, last.c.on)
                                                 .where(last.c.creance_id.in_(creance_ids)))}


def test_the_sql_form_of_the_last_interrupting_act_is_the_loaders_rule(account: Account) -> None:
    c, cids = account.creances, list(account.creances.values())
    for as_of in (TODAY, TODAY + timedelta(days=60)):
        with db.new_session() as s:
            python, _ = interrupting_dates(read_acts(s, cids, as_of), as_of)
        assert _sql_last_acts(as_of, cids) == python
    expected = {c["lifted"]: account.acts["lifted"], c["voided"]: account.acts["voided"]}
    assert python == {**expected, c["future"]: account.acts["future"]}  # as of today + 60 days
    with db.new_session() as s:
        assert interrupting_dates(read_acts(s, cids, TODAY), TODAY)[0] == expected


def test_a_merged_id_opens_its_root_and_every_record_of_the_family(account: Account) -> None:
    with db.new_session() as s:
        loaded = load_account(s, account.merged, TODAY)
        assert loaded.id == account.root and set(loaded.family_ids) == {account.root, account.merged}
        assert set(loaded.creances) == set(account.creances.values())
        only_merged = read_creances(s, famille.Familles({account.merged: (account.merged,)}))[account.merged]
        assert set(only_merged) == {account.creances["void"], account.creances["hospital"]}
        with pytest.raises(AccountNotFound, match="Compte consolidé inconnu"):
            load_account(s, 10**9, TODAY)
    assert loaded.contested == {account.creances["plain"]}


def test_the_account_page_reads_the_loaded_account(account: Account) -> None:
    with db.new_session() as s:
        loaded = load_account(s, account.root, TODAY)
        page = vue.load(s, s.get(Redevable, account.root), TODAY)
    rows = {r.creance.id: r for r in page.creances}
    assert set(rows) == set(loaded.creances)
    for cid, row in rows.items():
        assert row.prescription == prescription_date(loaded.views[cid])
        assert row.comptable_code == loaded.comptable_for(loaded.creances[cid]).code
    # the mise en demeure voided by an annulation does not restart the delay: the earlier SATD does
    voided = rows[account.creances["voided"]]
    assert "dernier acte interruptif" in voided.prescription_reason
    assert str(account.acts["voided"].year) in voided.prescription_reason
    due = [r for r in page.creances if r.creance.status == "en_cours" and r.creance.rar_cents > 0]
    assert page.total_due_cents == sum(r.creance.rar_cents for r in due) == 121_000
    assert page.nearest_prescription == min(r.prescription for r in due if r.prescription > TODAY)
    assert [g.product for g in page.groups] == ["impots", "amendes", "secteur_local"]


def test_panel_summaries_agree_with_the_loader(account: Account) -> None:
    """Every field the bulk summary and the loader both know: family, amounts per product, hospital
    share, count, debt dates, nearest prescription (acts lifted, voided, void, future), structures,
    contestation."""
    with db.new_session() as s:
        summary = {a.redevable_id: a for a in load_account_summaries(s, TODAY, [account.merged, account.root])}
        loaded = load_account(s, account.merged, TODAY)
    assert set(summary) == {account.root}  # a merged id is no account of its own
    mine = summary[account.root]
    due = [v for v in loaded.views.values() if v.rar_cents > 0 and not v.cancelled
           and loaded.creances[int(v.id)].status == "en_cours"]
    by_product: dict[str, int] = {}
    for v in due:  # hospital debts count in secteur_local, and apart in hospital_cents
        by_product[v.product.value] = by_product.get(v.product.value, 0) + v.rar_cents
    assert {p: cents for p, cents in mine.due_cents.items() if cents} == by_product
    assert mine.hospital_cents == sum(v.rar_cents for v in due if v.is_hospital) == 7_000
    assert mine.creance_count == len(due) == 6
    assert mine.oldest_debt_on == min(v.date_exigibilite for v in due)
    assert mine.newest_debt_on == max(v.date_exigibilite for v in due)
    assert mine.nearest_prescription_on == min(prescription_date(v) for v in due)
    assert mine.current_structure_codes == {loaded.structures[loaded.creances[int(v.id)].structure_id].code
                                            for v in due} == {"SIP-C", "TA-C"}
    assert mine.contested is bool(loaded.contested) is True


def _second_account() -> dict[str, int]:
    """An account with what the first lacks: tiers (one answered "pas de compte", one NPAI), an SATD
    in force with its lock, a payment plan granted and paid, an ANV admitted, a situation."""
    with db.transaction() as s:
        sid = s.scalar(select(Structure.id).where(Structure.code == "SIP-C"))
        red = Redevable(nom="GARNIER", prenoms="LISE", search_text="GARNIER LISE")
        s.add(red)
        s.flush()
        rec = SourceRecord(source="impots", source_key="G-1", nom="GARNIER", code_postal="58500", commune="Clamecy",
                           voie="rue Neuve")
        s.add(rec)
        s.flush()
        s.add(RecordLink(source_record_id=rec.id, redevable_id=red.id, method="batch", probability=0.9))
        seized = creance(s, rec, "impots", "G-IR-1", sid, TODAY - timedelta(days=500), rar=50_000)
        planned = creance(s, rec, "impots", "G-IR-2", sid, TODAY - timedelta(days=400), rar=24_000)
        written_off = creance(s, rec, "impots", "G-IR-3", sid, TODAY - timedelta(days=1200), rar=3_000,
                              amount_initial_cents=3_000)
        iban = "FR7630006000011234567890189"
        bank = Renseignement(redevable_id=red.id, kind="banque", name="Banque du Morvan", iban=iban, source="ficoba",
                             observed_on=TODAY - timedelta(days=90), reliability="confirmee")
        empty = Renseignement(redevable_id=red.id, kind="banque", name="Banque vide", iban=iban, source="ficoba",
                              observed_on=TODAY - timedelta(days=95), reliability="declaree")
        gone = Renseignement(redevable_id=red.id, kind="employeur", name="Scierie", siret="73282932000074",
                             source="impots", observed_on=TODAY - timedelta(days=80), reliability="npai")
        s.add_all([bank, empty, gone])
        s.flush()
        satd = act(s, red.id, "satd_banque", TODAY - timedelta(days=60), [seized], renseignement_id=bank.id)
        s.add(SatdLock(creance_id=seized, renseignement_id=bank.id, generation=0, acte_id=satd.id))
        refused = act(s, red.id, "satd_banque", TODAY - timedelta(days=70), [seized], renseignement_id=empty.id)
        s.add(SatdLock(creance_id=seized, renseignement_id=empty.id, generation=0, acte_id=refused.id))
        s.add(TiersAnswer(acte_id=refused.id, kind="pas_de_compte", answered_on=TODAY - timedelta(days=40)))
        plan = Demande(redevable_id=red.id, kind="plan_reglement", received_on=TODAY - timedelta(days=100),
                       creance_ids=[planned], details={"echeancier": [
                           {"due_on": (TODAY - timedelta(days=70)).isoformat(), "amount_cents": 12_000},
                           {"due_on": (TODAY + timedelta(days=20)).isoformat(), "amount_cents": 12_000}]})
        s.add(plan)
        s.flush()
        s.add(RequestDecision(request_id=plan.id, status="acceptee", decided_on=TODAY - timedelta(days=90)))
        payment = Payment(redevable_id=red.id, amount_cents=12_000, received_on=TODAY - timedelta(days=72),
                          payer="redevable", rule="test")
        payment.imputations = [Imputation(creance_id=planned, amount_cents=12_000)]
        s.add(payment)
        s.add(AnvDecision(creance_id=written_off, redevable_id=red.id, status="admise", ground="insolvabilite",
                          decider="comptable", amount_cents=3_000, decided_on=TODAY - timedelta(days=10)))
        s.add(Situation(redevable_id=red.id, kind="surendettement", started_on=TODAY - timedelta(days=5),
                        source="agent"))
        return {"id": red.id, "seized": seized, "bank": bank.id, "empty": empty.id, "gone": gone.id}


def test_the_bulk_loader_loads_the_same_accounts_as_the_loader(account: Account) -> None:
    g = _second_account()
    with db.new_session() as s:
        bulk = load_accounts(s, [account.merged, g["id"], 10**9], TODAY)
        single = {rid: load_account(s, rid, TODAY) for rid in (account.root, g["id"])}
    assert set(bulk) == {account.root, g["id"]}  # the merged id opens its root; the unknown one is left out
    assert bulk == single
    other = bulk[g["id"]]  # what the second account exercises is really there
    assert set(other.locks) == {(g["seized"], g["bank"])}  # the SATD answered "pas de compte" is over
    assert other.next_generation == {(g["seized"], g["bank"]): 1, (g["seized"], g["empty"]): 1}
    assert set(other.tiers) == {g["bank"]} and set(other.excluded_tiers) == {g["empty"], g["gone"]}
    assert "pas de compte" in other.excluded_tiers[g["empty"]] and "NPAI" in other.excluded_tiers[g["gone"]]
    assert [p.latest_status for p in other.plans] == ["acceptee"] and other.plans[0].status is not None
    assert len(other.anv_admitted) == 1 and len(other.compte().creances) == 2
    assert [x.kind.value for x in other.situations] == ["surendettement"]


def test_the_account_pages_timeline_shows_labels_not_codes(account: Account) -> None:  # noqa: ARG001
    from mrf.services.poursuites.vocabulaire import DECIDEUR_ANV_LABELS
    from poursuites.anv import MotifAnv

    g = _second_account()
    with db.new_session() as s:
        page = vue.load(s, s.get(Redevable, g["id"]), TODAY)
    events = {e.kind: f"{e.label} — {e.detail}" for e in page.timeline}
    assert events["decision"].startswith("Décision sur une demande : acceptée")
    assert events["anv"] == (f"Admission en non-valeur (admise) — motif : {MotifAnv.INSOLVABILITE.label} ; "
                             f"décideur : {DECIDEUR_ANV_LABELS['comptable']}")
    assert "insolvabilite" not in events["anv"] and "acceptee" not in events["decision"]
