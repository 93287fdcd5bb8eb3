"""Issue 17, seeing: a témoin is handled as without the product, so each office sees only its own créances of
it — on the account page (créances, totals, acts, documents, plan) and on the work list (each structure's entry
counts its own créances) — while central administration still sees the whole account."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Acte, ActeLine, Panel, PanelMember, Redevable, WorklistEntry
from mrf.services.comptes import vue, worklist
from mrf.services.poursuites.prochaine_action import actions_du_jour
from mrf.web.helpers import euros

# DUPONT: SIP-A holds IR 1 200 € + TF 450 €, TA-A the amende 135 €, SIP-B the water bill 80 € (merged account).
IR, TF, AFM, EAU = 120_000, 45_000, 13_500, 8_000
SENTENCE = "Les créances d'autres postes ne sont pas affichées"


def publish_control(app, redevable_id: int) -> None:  # noqa: ANN001
    with app.app_context(), db.transaction() as s:
        panel = Panel(name="mrf-temoin-vue", configuration=1, criteria_toml='name = "mrf-temoin-vue"\n', seed=1,
                      status="publie", published_at=datetime.now(UTC), report={})
        s.add(panel)
        s.flush()
        s.add(PanelMember(panel_id=panel.id, redevable_id=redevable_id, group="control", reason="tirage"))


def _total(page: str) -> str:
    return page.split('id="total-du">', 1)[1].split("<", 1)[0]


def test_each_office_sees_only_its_own_creances_of_a_temoin(app, world, client_for) -> None:
    publish_control(app, world.mine)
    sip = client_for("agent").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "IR-2024-0001" in sip and "TF-2024-0002" in sip
    assert "AFM-0003" not in sip and "T-2025-44" not in sip
    assert _total(sip) == euros(IR + TF) and SENTENCE in sip
    assert euros(AFM) not in sip and euros(EAU) not in sip  # other offices' amounts are never shown

    ta = client_for("agent_ta").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "AFM-0003" in ta and "IR-2024-0001" not in ta and "T-2025-44" not in ta
    assert _total(ta) == euros(AFM) and SENTENCE in ta
    assert "SATD-TEST-0001" in ta  # SIP-A's SATD covers the amende too: TA-A sees it (about its créance)

    sip_b = client_for("agent_b").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert "T-2025-44" in sip_b and "IR-2024-0001" not in sip_b and _total(sip_b) == euros(EAU)
    assert "SATD-TEST-0001" not in sip_b  # an act about none of SIP-B's créances


def test_an_office_downloads_only_the_documents_about_its_creances(app, world, client_for) -> None:
    url = f"/redevables/{world.mine}/documents/{world.document}.pdf"  # SIP-A's SATD on the IR and the amende
    assert client_for("agent_b").get(url).status_code == 200  # not a témoin yet: the consolidated account
    publish_control(app, world.mine)
    assert client_for("agent_b").get(url).status_code == 404
    assert client_for("agent_ta").get(url).status_code == 200
    assert client_for("administration_centrale").get(url).status_code == 200


def test_central_administration_sees_the_whole_temoin(app, world, client_for) -> None:
    publish_control(app, world.mine)
    page = client_for("administration_centrale").get(f"/redevables/{world.mine}").get_data(as_text=True)
    assert all(ref in page for ref in ("IR-2024-0001", "TF-2024-0002", "AFM-0003", "T-2025-44"))
    assert _total(page) == euros(IR + TF + AFM + EAU) and SENTENCE not in page
    assert 'id="temoin-perimetre"' not in page


def test_an_account_outside_the_temoin_offices_is_not_found(app, world, client_for) -> None:
    publish_control(app, world.other)  # MARTIN: SIP-B's créance only
    assert client_for("agent_ta").get(f"/redevables/{world.other}").status_code == 404
    assert client_for("agent_b").get(f"/redevables/{world.other}").status_code == 200


def test_the_page_and_plan_of_an_office_are_built_on_its_creances(app, world) -> None:
    publish_control(app, world.mine)
    ta = world.structures["TA-A"]
    with app.app_context(), db.new_session() as s:
        redevable = s.get(Redevable, world.mine)
        whole = vue.load(s, redevable)
        own = vue.load(s, redevable, office=ta)
        assert {c.creance.id for c in whole.creances} == set(world.creances.values()) - {
            world.creances["other"], world.creances["assigned"]}
        assert [c.creance.id for c in own.creances] == [world.creances["afm"]]
        assert set(own.charge.creances) == {world.creances["afm"]} and set(own.charge.views) == set(own.charge.creances)
        assert own.total_due_cents == AFM and own.hidden_creances == 3 and own.office.code == "TA-A"
        assert [a.id for a in own.open_satd] == [world.acte]
        # a treated or hors-panel account is never cut down, whoever looks at it
        other = vue.load(s, s.get(Redevable, world.assigned), office=ta)
        assert other.office is None and other.hidden_creances == 0 and len(other.creances) == 1


def test_an_act_of_another_office_is_hidden(app, world) -> None:
    publish_control(app, world.mine)
    today = date.today()
    with app.app_context(), db.transaction() as s:
        acte = Acte(redevable_id=world.mine, kind="lettre_relance", structure_id=world.structures["SIP-B"],
                    amount_cents=EAU, issued_on=today - timedelta(days=2), status="emis")
        acte.lines = [ActeLine(creance_id=world.creances["eau"], amount_cents=EAU)]
        s.add(acte)
    with app.app_context(), db.new_session() as s:
        redevable = s.get(Redevable, world.mine)
        kinds = {e.label for e in vue.load(s, redevable, office=world.structures["SIP-A"]).timeline if e.kind == "acte"}
        assert "Lettre de relance" not in kinds
        kinds_b = {e.label for e in vue.load(s, redevable, office=world.structures["SIP-B"]).timeline
                   if e.kind == "acte"}
        assert kinds_b == {"Lettre de relance"}


def _entry(structure: int, redevable_id: int) -> tuple:
    with db.new_session() as s:
        e = s.scalar(select(WorklistEntry).where(WorklistEntry.structure_id == structure,
                                                 WorklistEntry.redevable_id == redevable_id))
        return (e.total_due_cents, e.has_impots, e.has_amendes, e.has_secteur_local, e.next_deadline is not None)


def _entries() -> set[tuple]:
    with db.new_session() as s:
        return {(e.structure_id, e.redevable_id, e.total_due_cents, e.has_impots, e.has_amendes, e.has_secteur_local,
                 e.nearest_prescription, e.next_deadline, e.deadline_kind) for e in s.scalars(select(WorklistEntry))}


def test_work_list_entry_of_a_temoin_counts_the_structures_own_creances(app, world, client_for) -> None:
    sip, ta, sip_b = (world.structures[c] for c in ("SIP-A", "TA-A", "SIP-B"))
    with app.app_context():
        worklist.sync(full=True)
        whole = IR + TF + AFM + EAU
        assert {_entry(x, world.mine)[0] for x in (sip, ta, sip_b)} == {whole}  # not a témoin yet: consolidated
        publish_control(app, world.mine)
        worklist.sync()
        # SIP-A's SATD (no answer yet) covers the amende: a pending deadline for SIP-A, its issuer, only
        assert _entry(sip, world.mine) == (IR + TF, True, False, False, True)
        assert _entry(ta, world.mine) == (AFM, False, True, False, False)
        assert _entry(sip_b, world.mine) == (EAU, False, False, True, False)
        assert _entry(sip, world.assigned)[0] == 30_000  # hors panel: unchanged
        incremental = _entries()
        # a change on the témoin: the incremental refresh equals a full one
        with db.transaction() as s:
            acte = Acte(redevable_id=world.mine, kind="satd_tiers", structure_id=ta, amount_cents=AFM,
                        issued_on=date.today(), status="emis")
            acte.lines = [ActeLine(creance_id=world.creances["afm"], amount_cents=AFM)]
            s.add(acte)
        worklist.sync()
        assert _entry(ta, world.mine)[4] and not _entry(sip_b, world.mine)[4]
        incremental = _entries()
        worklist.sync(full=True)
        assert _entries() == incremental
    page = client_for("agent_ta").get("/travail").get_data(as_text=True)
    table = page.split('id="liste-de-travail"', 1)[1]
    assert euros(AFM) in table and euros(IR + TF + AFM + EAU) not in table


def test_a_temoins_request_is_a_deadline_for_the_offices_of_its_creances_only(app, world) -> None:
    """Handled as without the product: a debtor's request about the amende is the trésorerie's to answer, not
    the SIPs'; a request naming no créance is every office's. Incremental refresh = full refresh."""
    from mrf.models import Demande
    from mrf.services.comptes.priorite import regles

    sip, ta, sip_b = (world.structures[c] for c in ("SIP-A", "TA-A", "SIP-B"))
    today = date.today()
    rules = regles(today)
    publish_control(app, world.mine)

    def deadline(structure: int) -> tuple:
        with db.new_session() as s:
            e = s.scalar(select(WorklistEntry).where(WorklistEntry.structure_id == structure,
                                                     WorklistEntry.redevable_id == world.mine))
            return e.next_deadline, e.deadline_kind

    with app.app_context():
        worklist.sync(full=True)
        before = {x: deadline(x) for x in (sip, ta, sip_b)}
        with db.transaction() as s:
            s.add(Demande(redevable_id=world.mine, kind="remise_gracieuse", received_on=today - timedelta(days=10),
                          creance_ids=[world.creances["afm"]]))
        worklist.sync()
        answer_by = today - timedelta(days=10) + timedelta(days=rules.request_days["remise_gracieuse"])
        assert deadline(ta) == (answer_by, "demande")
        assert deadline(sip) == before[sip] and deadline(sip_b) == before[sip_b] == (None, None)
        incremental = _entries()
        worklist.sync(full=True)
        assert _entries() == incremental
        with db.transaction() as s:  # naming no créance: the whole account's, in every office's list
            s.add(Demande(redevable_id=world.mine, kind="contestation", received_on=today - timedelta(days=20),
                          creance_ids=[]))
        worklist.sync()
        whole = today - timedelta(days=20) + timedelta(days=rules.request_days["contestation"])
        assert deadline(sip_b) == (whole, "demande")
        assert deadline(ta) == min((answer_by, "demande"), (whole, "demande"))


def test_next_action_of_a_temoin_in_an_office_list_is_its_own(app, world, client_for) -> None:
    publish_control(app, world.mine)
    with app.app_context():
        whole = actions_du_jour([world.mine])[world.mine]
        per_office = {code: actions_du_jour([world.mine], structure_id=world.structures[code])[world.mine]
                      for code in ("SIP-A", "TA-A", "SIP-B")}
    # the whole account's first step is SIP-A's SATD on the TF: never another office's action or amount
    assert whole.pourquoi == f"couvre 1 créance pour {euros(TF)}"
    assert per_office["SIP-A"] == whole
    assert per_office["TA-A"].action is None and "SATD déjà en cours" in per_office["TA-A"].pourquoi
    assert per_office["SIP-B"].action_kind == "satd_banque"
    assert per_office["SIP-B"].pourquoi == f"couvre 1 créance pour {euros(EAU)}"
    ta_list = client_for("agent_ta").get("/travail").get_data(as_text=True).split('id="liste-de-travail"', 1)[1]
    assert "SATD déjà en cours" in ta_list and euros(TF) not in ta_list


def test_a_temoins_action_in_an_office_list_is_stored_for_the_day_and_precomputed(app, world, monkeypatch) -> None:
    """Computed once a day per office, like the whole account's: the list's next display reads it; the
    night's precomputation does it for the témoins of each office's first rows."""
    from mrf.models import WorklistAction
    from mrf.services.poursuites import prochaine_action as pa

    publish_control(app, world.mine)
    sid = world.structures["TA-A"]
    with app.app_context():
        worklist.sync()
        assert pa.precalculer([world.mine], offices={sid: [world.mine]}) == 2  # the account's, TA-A's
        with db.new_session() as s:
            keys = set(s.execute(select(WorklistAction.structure_id, WorklistAction.action)
                                 .where(WorklistAction.redevable_id == world.mine)).all())
        assert keys == {(0, actions_du_jour([world.mine])[world.mine].action), (sid, None)}
        computed: list[int | None] = []
        real = pa.prochaines_actions

        def counted(ids, today=None, structure_id=None):  # noqa: ANN001, ANN202
            computed.append(structure_id)
            return real(ids, today, structure_id)

        monkeypatch.setattr(pa, "prochaines_actions", counted)
        action = actions_du_jour([world.mine], structure_id=sid)[world.mine]
        assert computed == [] and action.action is None and "SATD déjà en cours" in action.pourquoi
        other = world.structures["SIP-B"]
        assert actions_du_jour([world.mine], structure_id=other)[world.mine].action_kind == "satd_banque"
        assert computed == [other]  # not stored for SIP-B yet: computed once, then read
        actions_du_jour([world.mine], structure_id=other)
        assert computed == [other]


def test_accounts_list_of_a_structure_counts_a_temoins_own_creances(app, world, cli) -> None:
    """`mrf accounts list --structure`: a témoin's products and total are the office's own, as in its list."""
    import json

    def row(code: str) -> dict:
        out = cli.invoke(args=["accounts", "list", "--structure", code, "--json"])
        assert out.exit_code == 0, out.output
        return next(r for r in json.loads(out.stdout) if r["id"] == world.mine)

    before = row("TA-A")
    assert before["total_due_cents"] >= IR + TF + AFM + EAU and len(before["products"]) == 3
    publish_control(app, world.mine)
    assert row("TA-A") == {"id": world.mine, "products": ["amendes"], "total_due_cents": AFM}
    assert row("SIP-B") == {"id": world.mine, "products": ["secteur_local"], "total_due_cents": EAU}


def test_work_list_on_the_command_line_shows_the_offices_own_part(app, world, cli) -> None:
    publish_control(app, world.mine)
    out = cli.invoke(args=["worklist", "show", "--structure", "TA-A"])
    assert out.exit_code == 0, out.output
    assert f"recouvrable {euros(AFM)}" in out.stdout and "SATD déjà en cours" in out.stdout
    assert euros(TF) not in out.stdout and euros(IR + TF + AFM + EAU) not in out.stdout
