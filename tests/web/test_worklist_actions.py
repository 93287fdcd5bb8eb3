"""The work list's next action on every row (the account's plan, stored for the day, dropped when the account
changes) and the deadlines computed by the libraries' rules: a missed instalment of a payment plan, the
calendar of a dossier handed to a commissaire de justice."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import (
    Acte,
    Demande,
    DossierCommissaire,
    DossierEvenement,
    Etude,
    Imputation,
    Payment,
    Renseignement,
    RequestDecision,
    WorklistAction,
    WorklistEntry,
)
from mrf.services.comptes import echeances, priorite, worklist
from mrf.services.comptes.consolide import load_account
from mrf.services.poursuites.plan import plan_for
from mrf.services.poursuites.prochaine_action import precalculer

_ROW = re.compile(r'<a href="/redevables/(\d+)">.*?<td class="mrf-action"[^>]*>(.*?)</td>', re.S)


def _rows(html: str) -> dict[int, str]:
    table = html.split('id="liste-de-travail"', 1)[1]
    return {int(rid): cell for rid, cell in _ROW.findall(table)}


def _plan_says(rid: int) -> str:
    """What the account's plan says to do next, computed now from the database."""
    with db.new_session() as s:
        plan = plan_for(load_account(s, rid, date.today()))
    if plan.steps:
        return plan.steps[0].label
    return "Aucune action possible"


def _entry(rid: int, sid: int) -> WorklistEntry:
    with db.new_session() as s:
        return s.scalar(select(WorklistEntry).where(WorklistEntry.redevable_id == rid,
                                                    WorklistEntry.structure_id == sid))


def test_every_row_says_what_the_plan_says(world, client_for) -> None:
    rows = _rows(client_for("administration_centrale").get("/travail?structure=national").get_data(as_text=True))
    assert len(rows) >= 3
    for rid, cell in rows.items():
        assert _plan_says(rid) in cell, (rid, cell)
    with db.new_session() as s:
        stored = {a.redevable_id: a for a in s.scalars(select(WorklistAction))}
    assert set(rows) <= set(stored) and all(a.computed_on == date.today() for a in stored.values())
    # the stored kind is the plan's first step's
    with db.new_session() as s:
        plan = plan_for(load_account(s, world.mine, date.today()))
    assert stored[world.mine].action_kind == (plan.steps[0].action.value if plan.steps else None)


def test_rows_of_later_pages_get_their_action_too(world, client_for) -> None:
    """The second page (one row per page here) gets its action from the plan, like the first."""
    from mrf.services.poursuites.prochaine_action import actions_du_jour

    client_for("agent").get("/travail")
    with db.new_session() as s:
        page2 = worklist.fetch(s, worklist.WorklistQuery(structure_id=world.structures["SIP-A"], per_page=1, page=2))
    assert len(page2.rows) == 1
    rid = page2.rows[0].redevable_id
    action = actions_du_jour([rid])[rid]
    assert (action.action or "Aucune action possible") == _plan_says(rid)


def test_a_change_on_the_account_drops_its_stored_action(world, client_for) -> None:
    agent = client_for("agent")
    agent.get("/travail")
    with db.new_session() as s:
        before = s.get(WorklistAction, (world.assigned, 0))
        other = s.get(WorklistAction, (world.mine, 0))
    assert before is not None and other is not None
    # an employer becomes known: the plan changes (an SATD to the employer is now possible)
    with db.transaction() as s:
        s.add(Renseignement(redevable_id=world.assigned, kind="employeur", name="Menuiserie Bernard SARL",
                            siret="73282932000074", numero_voie="3", voie="rue des Lilas", code_postal="89000",
                            commune="AUXERRE", source="impots", observed_on=date.today() - timedelta(days=2),
                            reliability="confirmee"))
    html = agent.get("/travail").get_data(as_text=True)
    with db.new_session() as s:
        after = s.get(WorklistAction, (world.assigned, 0))
        untouched = s.get(WorklistAction, (world.mine, 0))
    assert _plan_says(world.assigned) in _rows(html)[world.assigned]
    assert after is not None and after.action != before.action and after.tiers_kind == "employeur"
    assert untouched is not None and untouched.action == other.action  # another account keeps its own


def test_stale_day_is_never_shown(world, client_for) -> None:
    """An action stored on another day is not read: it is computed again from the plan of today."""
    agent = client_for("agent")
    agent.get("/travail")
    with db.transaction() as s:
        a = s.get(WorklistAction, (world.assigned, 0))
        a.computed_on = date.today() - timedelta(days=1)
        a.action = "Action d'hier"
    html = agent.get("/travail").get_data(as_text=True)
    assert "Action d'hier" not in html
    assert _plan_says(world.assigned) in _rows(html)[world.assigned]


def test_precompute_fills_the_first_pages(world, cli) -> None:
    result = cli.invoke(args=["worklist", "refresh", "--pages", "1"])
    assert result.exit_code == 0, result.output
    assert "Prochaines actions" in result.output
    with db.new_session() as s:
        stored = set(s.scalars(select(WorklistAction.redevable_id)))
        listed = set(s.scalars(select(WorklistEntry.redevable_id)))
    assert stored == listed  # the test world's lists fit in one page
    assert precalculer(sorted(listed)) == 0  # nothing left to compute today


def _missed_plan(world, missed_on: date, grace_days: int = 0) -> None:  # noqa: ANN001
    """A payment plan granted on the BERNARD account, its first instalment (due ``missed_on``) unpaid."""
    with db.transaction() as s:
        req = Demande(redevable_id=world.assigned, kind="plan_reglement", received_on=missed_on - timedelta(days=30),
                      creance_ids=[world.creances["assigned"]],
                      details={"delai_de_grace_jours": grace_days, "echeancier": [
                          {"due_on": missed_on.isoformat(), "amount_cents": 15_000},
                          {"due_on": (missed_on + timedelta(days=60)).isoformat(), "amount_cents": 15_000}]})
        s.add(req)
        s.flush()
        s.add(RequestDecision(request_id=req.id, status="acceptee", decided_on=missed_on - timedelta(days=25),
                              comment="Échéancier accordé"))


def test_missed_instalment_is_a_deadline(world, client_for) -> None:
    missed_on = date.today() - timedelta(days=20)
    _missed_plan(world, missed_on)
    agent = client_for("agent")
    html = agent.get("/travail?echeance=echeancier").get_data(as_text=True)
    entry = _entry(world.assigned, world.structures["SIP-A"])
    assert entry.next_deadline == missed_on and entry.deadline_kind == "echeancier"
    assert priorite.is_urgent(None, entry.next_deadline, date.today(), entry.deadline_kind)
    table = unescape(html.split('id="liste-de-travail"', 1)[1])
    assert "BERNARD" in table and "DUPONT" not in table  # the filter keeps the missed instalment only
    assert f"échéance d'un échéancier manquée le {missed_on:%d/%m/%Y}, reprendre les poursuites" in table
    # the plan cancelled (a new decision, decisions are append-only): no longer a deadline
    with db.transaction() as s:
        req = s.scalar(select(Demande).where(Demande.kind == "plan_reglement"))
        s.add(RequestDecision(request_id=req.id, status="annulee", decided_on=date.today(), comment="Annulé"))
    agent.get("/travail")
    assert _entry(world.assigned, world.structures["SIP-A"]).deadline_kind != "echeancier"


def test_an_instalment_paid_within_the_grace_period_is_not_missed(world) -> None:
    today = date.today()
    _missed_plan(world, today - timedelta(days=8), grace_days=5)
    with db.new_session() as s:
        assert echeances.echeances(s, [world.assigned], today)[(world.assigned, None)] == (today - timedelta(days=8),
                                                                                  "echeancier")
    with db.transaction() as s:  # paid 4 days after the due date: within the 5 days of grace
        payment = Payment(redevable_id=world.assigned, amount_cents=15_000, received_on=today - timedelta(days=4),
                          payer="redevable", rule="test")
        payment.imputations = [Imputation(creance_id=world.creances["assigned"], amount_cents=15_000)]
        s.add(payment)
    with db.new_session() as s:
        assert (world.assigned, None) not in echeances.echeances(s, [world.assigned], today)
        assert (world.assigned, None) not in echeances.echeances(s, None, today)  # the full refresh's rule too


def test_missed_instalment_leaves_the_list_once_poursuites_resume(world, client_for) -> None:
    missed_on = date.today() - timedelta(days=20)
    _missed_plan(world, missed_on)
    agent = client_for("agent")
    agent.get("/travail")
    assert _entry(world.assigned, world.structures["SIP-A"]).deadline_kind == "echeancier"
    from mrf.models import ActeLine

    with db.transaction() as s:
        acte = Acte(redevable_id=world.assigned, kind="mise_en_demeure", structure_id=world.structures["SIP-B"],
                    amount_cents=30_000, issued_on=date.today(), status="emis")
        acte.lines = [ActeLine(creance_id=world.creances["assigned"], amount_cents=30_000)]
        s.add(acte)
    agent.get("/travail")
    assert _entry(world.assigned, world.structures["SIP-A"]).deadline_kind != "echeancier"


def _dossier(world, transmitted: date, phase: str = "comminatoire") -> int:  # noqa: ANN001
    with db.transaction() as s:
        etude = Etude(code="CJ-T", nom="Étude de test", siret="12345678900011", adresse="1 rue", code_postal="89000",
                      commune="AUXERRE", centre_serveur="CS", departement="89")
        acte = Acte(redevable_id=world.mine, kind=f"phase_{phase}", structure_id=world.structures["SIP-A"],
                    amount_cents=10_000, issued_on=transmitted, status="emis")
        s.add_all([etude, acte])
        s.flush()
        d = DossierCommissaire(numero=f"D-{transmitted:%Y%m%d}", phase=phase, redevable_id=world.mine,
                               structure_id=world.structures["SIP-A"], etude_id=etude.id, acte_id=acte.id,
                               transmis_le=transmitted, echeance=transmitted + timedelta(days=75),
                               montant_cents=10_000, nom="DUPONT", adresse="1 rue")
        s.add(d)
        s.flush()
        from mrf.models import DossierLigne

        s.add(DossierLigne(dossier_id=d.id, creance_id=world.creances["afm"], montant_cents=10_000))
        return d.id


def test_commissaire_phase_ending_follow_ups_and_phase_ended(world, client_for) -> None:
    agent = client_for("agent")
    sid = world.structures["SIP-A"]
    today = date.today()
    did = _dossier(world, today - timedelta(days=3))  # J+8 follow-up in 5 days, phase ends in 72 days
    agent.get("/travail")
    entry = _entry(world.mine, sid)
    assert (entry.next_deadline, entry.deadline_kind) == (today + timedelta(days=5), "relance_etude")
    assert not priorite.is_urgent(None, entry.next_deadline, today, entry.deadline_kind)  # a reminder only

    with db.transaction() as s:  # 60 days later: the phase comminatoire (75 days) ends in 15 days
        d = s.get(DossierCommissaire, did)
        d.transmis_le = today - timedelta(days=60)
        s.add(DossierEvenement(dossier_id=did, cle="t-ar", sens="retour", kind="accuse_reception",
                               survenu_le=today - timedelta(days=58)))
    html = agent.get("/travail?echeance=commissaire").get_data(as_text=True)
    entry = _entry(world.mine, sid)
    assert (entry.next_deadline, entry.deadline_kind) == (today + timedelta(days=15), "fin_comminatoire")
    assert "fin de la phase comminatoire du commissaire de justice dans 15 jours" in html

    with db.transaction() as s:  # an extension of 10 days granted: the end moves
        s.add(DossierEvenement(dossier_id=did, cle="t-prol", sens="interne", kind="prolongation_accordee",
                               survenu_le=today, details={"jours": 10}))
    agent.get("/travail")
    with db.new_session() as s:
        assert echeances.echeances(s, [world.mine], today)[(world.mine, None)] == (today + timedelta(days=25),
                                                                          "fin_comminatoire")
    assert _entry(world.mine, sid).deadline_kind == "satd"  # now the tiers' answer (in 20 days) comes first

    with db.transaction() as s:  # 80 days + 10: the phase ended without full payment
        s.get(DossierCommissaire, did).transmis_le = today - timedelta(days=90)
        s.add(DossierEvenement(dossier_id=did, cle="t-x", sens="retour", kind="nouvelle_adresse", survenu_le=today))
    agent.get("/travail")
    entry = _entry(world.mine, sid)
    assert (entry.next_deadline, entry.deadline_kind) == (today - timedelta(days=5), "phase_echue")

    with db.transaction() as s:  # closed by the comptable: no deadline left
        s.add(DossierEvenement(dossier_id=did, cle="t-clos", sens="interne", kind="cloture", survenu_le=today))
    agent.get("/travail")
    assert _entry(world.mine, sid).deadline_kind not in priorite.DEADLINE_FILTERS["commissaire"][1]


def test_deadline_filter_ignores_unknown_values(world, client_for) -> None:
    html = client_for("agent").get("/travail?echeance=<script>").get_data(as_text=True)
    assert "<script>" not in html.split('id="liste-de-travail"', 1)[1]
    assert len(_rows(html)) >= 2


def test_cli_show_gives_the_priority_deadline_and_next_action(world, cli) -> None:
    from mrf.cli.users import worklist_show

    choices = {p.name: p.type.choices for p in worklist_show.params if hasattr(p.type, "choices")}
    assert set(choices["sort"]) == set(worklist.SORTS) and set(choices["deadline"]) == set(priorite.DEADLINE_FILTERS)
    missed_on = date.today() - timedelta(days=20)
    _missed_plan(world, missed_on)
    result = cli.invoke(args=["worklist", "show", "--structure", "SIP-A", "--echeance", "echeancier"])
    assert result.exit_code == 0, result.output
    assert "BERNARD" in result.output and "DUPONT" not in result.output
    assert f"Échéance : {missed_on:%d/%m/%Y} — échéance d'un échéancier manquée" in result.output
    assert f"Prochaine action : {_plan_says(world.assigned)}" in result.output
    unknown = cli.invoke(args=["worklist", "show", "--structure", "NULLE-PART"])
    assert unknown.exit_code != 0 and "Structure inconnue" in unknown.output


def test_the_refresh_job_precomputes_with_its_progress(world) -> None:
    from mrf.jobs import taches
    from mrf.jobs.suivi import Suivi

    suivi = Suivi()
    out = taches.TACHES["liste_travail"].executer({"pages": 1}, suivi, None)
    with db.new_session() as s:
        listed = set(s.scalars(select(WorklistEntry.redevable_id)))
        stored = set(s.scalars(select(WorklistAction.redevable_id).where(WorklistAction.computed_on == date.today())))
    assert stored == listed
    assert suivi.total == len(listed) == suivi.fait  # the bar goes to its end
    assert f"prochaines actions : {len(listed)} calculée(s)" in out["resume"]


def test_a_panel_published_then_closed_recomputes_every_action(world, client_for) -> None:
    """A panel's status changes its members' scope, hence their plans: every stored action is dropped."""
    from mrf.models import Panel

    agent = client_for("agent")
    agent.get("/travail")
    with db.transaction() as s:
        for a in s.scalars(select(WorklistAction)):
            a.action = "SENTINELLE"
    assert "SENTINELLE" in agent.get("/travail").get_data(as_text=True)  # read from the store
    for status in ("publie", "clos"):
        with db.transaction() as s:
            s.scalar(select(Panel).where(Panel.name == world.panel)).status = status
        html = agent.get("/travail").get_data(as_text=True)
        assert "SENTINELLE" not in html, status
        for rid, cell in _rows(html).items():
            assert _plan_says(rid) in cell
        with db.transaction() as s:
            for a in s.scalars(select(WorklistAction)):
                a.action = "SENTINELLE"


def test_an_action_computed_while_the_account_changed_is_never_shown(world, client_for, monkeypatch) -> None:
    """A plan computed from data that changed before it was stored (another request committed a change and
    refreshed the list meanwhile) is stamped with the older version of the entries: never read."""
    from mrf.services.poursuites import prochaine_action as pa

    agent = client_for("agent")
    agent.get("/travail")
    with db.transaction() as s:
        s.query(WorklistAction).delete()
    compute = pa.prochaines_actions

    def meanwhile(ids, today=None, structure_id=None):  # noqa: ANN001, ANN202
        out = compute(ids, today, structure_id)
        with db.transaction() as s:  # a concurrent change on BERNARD's account, its list refreshed
            s.add(Renseignement(redevable_id=world.assigned, kind="employeur", name="Scierie Bernard",
                                siret="73282932000074", code_postal="89000", commune="AUXERRE", source="impots",
                                observed_on=date.today(), reliability="confirmee"))
        worklist.sync()
        return {rid: pa.ProchaineAction("PÉRIMÉE", "calculée avant le changement") for rid in out}

    monkeypatch.setattr(pa, "prochaines_actions", meanwhile)
    pa.actions_du_jour([world.assigned])
    monkeypatch.setattr(pa, "prochaines_actions", compute)
    with db.new_session() as s:
        assert world.assigned not in pa.stored(s, [world.assigned], date.today())
    html = agent.get("/travail").get_data(as_text=True)
    assert "PÉRIMÉE" not in html
    assert _plan_says(world.assigned) in _rows(html)[world.assigned]
