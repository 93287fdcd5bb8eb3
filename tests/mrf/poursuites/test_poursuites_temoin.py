"""Issue 17: on a témoin, an office acts only on the créances whose original comptable it is — payments,
requests and their decisions, renseignements, ANV proposals, saisine of a commissaire de justice — refused
in the service with a French reason, audited, exit 2 on the command line (``mrf --as LOGIN``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mrf.audit import actor
from mrf.cli import main
from mrf.extensions import db
from mrf.models import Agent, AnvProposition, AuditLog, Demande, Payment, Renseignement
from mrf.services.poursuites import anv, demandes, paiements, renseignements
from mrf.services.poursuites.perimetre import RefusTraitement

from mrf_poursuites_world import ON
from mrf_scope_world import add_mixed_structure, publish

DATE = ON.strftime("%d/%m/%Y")


def agent(world, login: str, code: str, role: str = "agent") -> int:  # noqa: ANN001
    with db.transaction() as s:
        a = Agent(login=login, password_hash="x", role=role, structure_id=world.structure_ids[code])
        s.add(a)
        s.flush()
        return a.id


def refusals(rid: int) -> list[dict]:
    with db.new_session() as s:
        return [r.details for r in s.scalars(select(AuditLog).where(AuditLog.action == "refus_traitement",
                                                                     AuditLog.object_id == str(rid)))]


@pytest.fixture
def temoin(world):  # noqa: ANN001
    """A témoin with an impôt (SIP-AUXERRE), an amende (TA-89) and a water bill (SPL-AUXERRE)."""
    d = world.debtor(assigned=None)
    publish(world, "mrf-c1-temoin", 1, [(d, "control", None)])
    return d


def test_payment_entered_by_an_office_is_imputed_on_its_own_creances_only(world, temoin):
    ta = agent(world, "agent.ta", "TA-89")
    preview = paiements.preview_payment(temoin.id, 500_00, ON, agent_id=ta, today=ON)
    assert {int(line.creance_id) for line in preview.lines} == {temoin.creances["amendes"]}
    p = paiements.record_payment(temoin.id, 500_00, ON, agent_id=ta, today=ON)
    assert {i.creance_id for i in p.imputations} == {temoin.creances["amendes"]}
    assert p.overpayment_cents == 500_00 - 375_00  # the excess is not imputed on the other offices' créances
    with pytest.raises(RefusTraitement, match="groupe témoin.*TA-89 n'agit que sur les créances"):
        paiements.record_payment(temoin.id, 100_00, ON, agent_id=ta, creance_ids=[temoin.creances["impots"]],
                                 today=ON)
    with db.new_session() as s:
        assert len(s.scalars(select(Payment)).all()) == 1
    (row,) = refusals(temoin.id)
    assert row["action"] == "paiement" and "SIP-AUXERRE" in row["motif"]


def test_the_same_payment_on_a_treated_member_is_imputed_across_offices(world):
    d = world.debtor(assigned="SIP-AUXERRE")
    publish(world, "mrf-c1-traite", 1, [(d, "panel", "SIP-AUXERRE")])
    ta = agent(world, "agent.ta", "TA-89")
    p = paiements.record_payment(d.id, 2_000_00, ON, agent_id=ta, today=ON)
    assert len({i.creance_id for i in p.imputations}) == 3 and refusals(d.id) == []


def test_request_on_another_offices_creance_is_refused_and_its_decision_too(world, temoin):
    ta = agent(world, "agent.ta", "TA-89")
    sip = agent(world, "comptable.sip", "SIP-AUXERRE", "comptable")
    with pytest.raises(RefusTraitement, match="groupe témoin"):
        demandes.record_request(temoin.id, "contestation", [temoin.creances["impots"]], agent_id=ta,
                                received_on=ON)
    own = demandes.record_request(temoin.id, "contestation", [temoin.creances["amendes"]], agent_id=ta,
                                  received_on=ON)
    with db.new_session() as s:
        assert [r.id for r in s.scalars(select(Demande))] == [own.id]
    with pytest.raises(RefusTraitement, match="relève\\(nt\\) de TA-89"):
        demandes.decide_request(own.id, "refusee", ON, agent_id=sip)
    assert [r["action"] for r in refusals(temoin.id)] == ["demande", "decision_demande"]


def test_renseignement_by_an_office_without_creance_on_the_temoin_is_refused(world, temoin):
    add_mixed_structure()
    with db.new_session() as s:
        from mrf.models import Structure

        world.structure_ids["TM-89"] = s.scalar(select(Structure.id).where(Structure.code == "TM-89"))
    tm = agent(world, "agent.tm", "TM-89")
    ta = agent(world, "agent.ta", "TA-89")
    fields = {"name": "Employeur Exemple", "siret": "73282932000074"}
    with pytest.raises(RefusTraitement, match="groupe témoin"):
        renseignements.add_renseignement(temoin.id, "employeur", observed_on=ON, agent_id=tm, **fields)
    renseignements.add_renseignement(temoin.id, "employeur", observed_on=ON, agent_id=ta, **fields)
    with db.new_session() as s:
        assert s.scalar(select(Renseignement).where(Renseignement.kind == "employeur")).agent_id == ta
    assert [r["action"] for r in refusals(temoin.id)] == ["renseignement"]


def test_anv_proposal_of_an_office_covers_its_own_creances_only(world, temoin):
    ta = agent(world, "agent.ta", "TA-89")
    anv.propose(temoin.id, "insolvabilite", "PV de carence du 02/11/2026", "FICOBA, employeur, CAF", ta, ON)
    with db.new_session() as s:
        (row,) = s.scalars(select(AnvProposition)).all()
        assert row.creance_ids == [temoin.creances["amendes"]]


def test_cli_refusal_exits_2_with_the_reason_and_changes_nothing(world, temoin, cli):
    add_mixed_structure()
    with db.transaction() as s:
        from mrf.models import Structure

        tm = s.scalar(select(Structure.id).where(Structure.code == "TM-89"))
        s.add(Agent(login="agent.tm", password_hash="x", role="agent", structure_id=tm))
    try:
        result = cli.invoke(main, ["--as", "agent.tm", "renseignement", "add", str(temoin.id), "--kind", "employeur",
                                   "--name", "Employeur Exemple", "--siret", "73282932000074", "--date", DATE])
    finally:
        actor.request_login(None)  # the process-wide --as must not outlive this test
    assert result.exit_code == 2, result.output
    assert "groupe témoin" in result.stderr and result.stdout == ""
    with db.new_session() as s:
        assert s.scalar(select(Renseignement).where(Renseignement.kind == "employeur")) is None
    assert [r["action"] for r in refusals(temoin.id)] == ["renseignement"]


def test_mise_en_demeure_of_a_temoin_is_the_offices_own_step(world):
    from mrf.models import Acte
    from mrf.services.errors import Refus
    from mrf.services.poursuites import relances

    d = world.debtor(assigned=None, bank=False)  # plan: mise en demeure of the impôt (SIP-AUXERRE) only
    publish(world, "mrf-c1-relance", 1, [(d, "control", None)])
    ta = agent(world, "agent.ta", "TA-89")
    sip = agent(world, "agent.sip", "SIP-AUXERRE")
    with pytest.raises(Refus, match="ne prévoit pas de mise en demeure"):
        relances.issue(d.id, "mise_en_demeure", ta, ON)
    acte_id, _number = relances.issue(d.id, "mise_en_demeure", sip, ON)
    with db.new_session() as s:
        acte = s.get(Acte, acte_id)
        assert [line.creance_id for line in acte.lines] == [d.creances["impots"]]
        assert len(s.scalars(select(Acte)).all()) == 1
