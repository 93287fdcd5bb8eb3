"""Payments, debtor requests, ANV and renseignements through the service, on every backend."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import AnvDecision, Creance, CreanceEvent, Imputation, Payment, RequestDecision
from mrf.services.poursuites import actes as service

from mrf_poursuites_world import ON, SIRET, count


def _rar(cid: int) -> tuple[int, str]:
    with db.new_session() as s:
        c = s.get(Creance, cid)
        return c.rar_cents, c.status


def _events(cid: int, kind: str) -> list[CreanceEvent]:
    with db.new_session() as s:
        return s.scalars(select(CreanceEvent).where(CreanceEvent.creance_id == cid, CreanceEvent.kind == kind)
                         .order_by(CreanceEvent.id)).all()


def test_payment_imputed_by_article_1342_10_lowers_rar_and_writes_events(world):
    d = world.debtor()
    # all due: oldest first — amende (01/03/2025) in full, then the local debt (01/06/2025) in part
    p = service.record_payment(d.id, 50_000, ON, "redevable", None, means="virement", today=ON)
    assert p.rule == "code_civil_1342_10" and p.overpayment_cents == 0
    with db.new_session() as s:
        lines = {i.creance_id: i.amount_cents for i in s.scalars(select(Imputation))}
    assert lines == {d.creances["amendes"]: 37_500, d.creances["local"]: 12_500}
    assert _rar(d.creances["amendes"]) == (0, "soldee")
    assert _rar(d.creances["local"]) == (35_500, "en_cours")
    assert _rar(d.creances["impots"]) == (120_000, "en_cours")
    (ev,) = _events(d.creances["local"], "paiement")
    assert (ev.rar_before_cents, ev.rar_after_cents) == (48_000, 35_500)
    (ev,) = _events(d.creances["amendes"], "paiement")
    assert ev.changes == {"rar_cents": [37_500, 0], "status": ["en_cours", "soldee"]}
    assert not _events(d.creances["impots"], "paiement")
    # the plan no longer targets the paid amende
    plan = service.build_plan(d.id, ON)
    assert plan.decisions[str(d.creances["amendes"])].code == "soldee"
    assert str(d.creances["amendes"]) not in plan.steps[0].creance_ids


def test_overpayment_is_kept_for_refund_and_a_reversal_gives_the_rar_back(world):
    d = world.debtor()
    p = service.record_payment(d.id, 215_500, ON, "tiers", None, today=ON)
    assert p.overpayment_cents == 10_000
    assert all(_rar(c) == (0, "soldee") for c in d.creances.values())
    r = service.reverse_payment(p.id, ON, None, "chèque impayé")
    assert r.reverses_id == p.id and r.amount_cents == -215_500 and r.overpayment_cents == -10_000
    assert _rar(d.creances["impots"]) == (120_000, "en_cours")
    assert [e.rar_after_cents for e in _events(d.creances["impots"], "annulation_paiement")] == [120_000]
    with pytest.raises(service.PoursuitesError, match="déjà été annulé"):
        service.reverse_payment(p.id, ON)
    with db.new_session() as s:
        assert s.get(Payment, p.id).amount_cents == 215_500  # never edited
        assert sum(s.scalars(select(Imputation.amount_cents)).all()) == 0


def test_debtor_choice_and_payment_on_an_satd(world):
    d = world.debtor()
    p = service.record_payment(d.id, 10_000, ON, creance_ids=[d.creances["impots"]], today=ON)
    assert p.rule == "choisie_par_redevable" and _rar(d.creances["impots"])[0] == 110_000
    docs = service.issue_satd(d.id, d.tiers["banque"], None, ON)
    p = service.record_payment(d.id, 60_000, ON, "tiers", acte_id=docs[0].acte_id, today=ON)
    assert {i.creance_id for i in p.imputations} == {d.creances["amendes"], d.creances["local"]}


def test_bad_payments_are_refused_in_french(world):
    d = world.debtor()
    for kwargs, message in (({"amount_cents": 0}, "strictement positif"),
                            ({"amount_cents": 100, "payer": "voisin"}, "Payeur inconnu"),
                            ({"amount_cents": 100, "received_on": date(2030, 1, 1)}, "futur")):
        args = {"redevable_id": d.id, "received_on": ON, "today": ON, **kwargs}
        with pytest.raises(service.PoursuitesError, match=message):
            service.record_payment(**args)
    with pytest.raises(service.AccountNotFound):
        service.record_payment(424242, 100, ON, today=ON)


def test_payment_plan_suspends_its_creances_then_a_missed_instalment_resumes_them(world):
    d = world.debtor()
    plan_ids = [d.creances["impots"], d.creances["local"]]
    req = service.record_request(d.id, "plan_reglement", plan_ids,
                                 {"nb_echeances": 3, "premiere_echeance": "2026-12-05", "texte": "3 mois"},
                                 None, ON)
    assert [e["amount_cents"] for e in req.details["echeancier"]] == [56_000, 56_000, 56_000]
    plan = service.build_plan(d.id, ON)
    for cid in plan_ids:
        assert plan.decisions[str(cid)].code == "plan_respecte"
    assert plan.steps[0].creance_ids == (str(d.creances["amendes"]),)  # the amende is still pursued

    # first instalment paid on time on the plan's créances: still suspended after its due date
    service.record_payment(d.id, 56_000, date(2026, 12, 4), creance_ids=plan_ids, today=date(2026, 12, 4))
    plan = service.build_plan(d.id, date(2026, 12, 20))
    assert plan.decisions[str(d.creances["impots"])].code == "plan_respecte"

    # the second one (05/01/2027) is missed: poursuites resume on the plan's créances
    later = date(2027, 1, 10)
    plan = service.build_plan(d.id, later)
    assert set(plan.steps[0].creance_ids) == {str(c) for c in d.creances.values()}
    service.issue_satd(d.id, d.tiers["banque"], None, later)
    with db.new_session() as s:
        statuses = s.scalars(select(RequestDecision.status).where(RequestDecision.request_id == req.id)
                             .order_by(RequestDecision.id)).all()
    assert statuses == ["acceptee", "defaillant"]


def test_contestation_suspends_only_the_contested_creance(world):
    d = world.debtor()
    req = service.record_request(d.id, "contestation", [d.creances["amendes"]], {"texte": "pas mon véhicule"},
                                 None, ON)
    plan = service.build_plan(d.id, ON)
    assert plan.decisions[str(d.creances["amendes"])].code == "contestee"
    assert set(plan.steps[0].creance_ids) == {str(d.creances["impots"]), str(d.creances["local"])}
    with pytest.raises(service.PoursuitesError, match="déjà en cours"):
        service.record_request(d.id, "contestation", [d.creances["amendes"]], {}, None, ON)
    service.decide_request(req.id, "refusee", ON)
    plan = service.build_plan(d.id, ON)
    assert len(plan.steps[0].creance_ids) == 3


def test_remise_gracieuse_is_routed_and_extinguishes_the_debt_when_granted(world):
    d = world.debtor()
    refused = service.record_request(d.id, "remise_gracieuse", [d.creances["amendes"]], {}, None, ON)
    with db.new_session() as s:
        (decision,) = s.scalars(select(RequestDecision).where(RequestDecision.request_id == refused.id)).all()
    assert decision.status == "refusee" and "peine d'amende" in decision.comment
    req = service.record_request(d.id, "remise_gracieuse", [d.creances["local"]], {"texte": "gêne"}, None, ON)
    assert req.details["routes"][0]["possible"]
    service.decide_request(req.id, "acceptee", ON, amount_cents=8_000)
    assert _rar(d.creances["local"]) == (40_000, "en_cours")
    assert [e.rar_after_cents for e in _events(d.creances["local"], "remise_gracieuse")] == [40_000]
    with pytest.raises(service.PoursuitesError, match="déjà décidée"):
        service.decide_request(req.id, "refusee", ON)


def test_requests_refuse_unknown_creances_and_kinds(world):
    d = world.debtor()
    other = world.debtor()
    with pytest.raises(service.PoursuitesError, match="inconnue"):
        service.record_request(d.id, "contestation", [other.creances["impots"]], {}, None, ON)
    with pytest.raises(service.PoursuitesError, match="Type de demande inconnu"):
        service.record_request(d.id, "grace", [d.creances["impots"]], {}, None, ON)


def test_anv_on_the_whole_account_is_append_only(world):
    d = world.debtor()
    with pytest.raises(service.PoursuitesError, match="justification"):
        service.propose_anv(d.id, "insolvabilite", ON)
    proposal = service.propose_anv(d.id, "insolvabilite", ON, None, "PV de carence du 02/11/2026")
    assert proposal.total_cents == 205_500 and len(proposal.lines) == 3
    with db.new_session() as s:
        deciders = dict(s.execute(select(AnvDecision.creance_id, AnvDecision.decider)).all())
    assert deciders == {d.creances["impots"]: "comptable", d.creances["amendes"]: "comptable_cour_des_comptes",
                        d.creances["local"]: "assemblee_deliberante"}
    with pytest.raises(service.PoursuitesError, match="déjà en cours"):
        service.propose_anv(d.id, "insolvabilite", ON, None, "encore")
    service.decide_anv(d.id, "admise", ON)
    plan = service.build_plan(d.id, ON)
    assert not plan.steps and {x.code for x in plan.decisions.values()} == {"admise_en_non_valeur"}
    service.decide_anv(d.id, "reprise", ON, creance_ids=[d.creances["impots"]])
    plan = service.build_plan(d.id, ON)
    assert plan.steps[0].creance_ids == (str(d.creances["impots"]),)
    assert count(AnvDecision) == 3 + 3 + 1


def test_renseignements_are_checked_and_addresses_proposed(world):
    d = world.debtor(bank=False)
    with pytest.raises(service.PoursuitesError, match="IBAN invalide.*clé de contrôle"):
        service.add_renseignement(d.id, "banque", observed_on=ON, name="Banque", iban="FR7630006000011234567890188")
    with pytest.raises(service.PoursuitesError, match="SIRET invalide"):
        service.add_renseignement(d.id, "employeur", observed_on=ON, name="Société", siret="73282932000075")
    with pytest.raises(service.PoursuitesError, match="obligatoire"):
        service.add_renseignement(d.id, "employeur", observed_on=ON, siret=SIRET)
    r = service.add_renseignement(d.id, "employeur", observed_on=ON, name="Société Exemple",
                                  siret="732 829 320 00074", annual_net_salary_cents=2_000_000, dependants=2)
    assert r.siret == SIRET
    plan = service.build_plan(d.id, ON)
    assert [s.action.value for s in plan.steps] == ["satd_tiers"]
    # an address confirmed through the amendes is offered to the other products
    service.add_renseignement(d.id, "adresse", observed_on=date(2026, 11, 2), voie="12 RUE DU TEMPLE",
                              code_postal="89000", commune="AUXERRE", source="amendes", reliability="confirmee")
    view = service.address_proposals(d.id, ON)
    assert view.choice.adresse.lignes == ("12 RUE DU TEMPLE",)
    assert {p.to_product.value for p in view.proposals} == {"impots", "secteur_local"}
