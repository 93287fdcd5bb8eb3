from datetime import date

import pytest

from panels import (
    Assigner,
    Group,
    NewCreance,
    Panel,
    PanelAction,
    PanelState,
    TransitionRefused,
    next_state,
    propose_reassignment,
    route_new_creance,
)

from panels_fixtures import (
    AUXERRE,
    JOIGNY,
    MIGENNES,
    NEVERS,
    SENS,
    STRUCTURES,
    TONNERRE,
    acct,
    addr,
    criteria,
    territory,
)

ACCOUNTS = [acct(i, commune=AUXERRE) for i in range(1, 41)] + [acct(100, commune=MIGENNES)]


def published() -> Panel:
    return Panel(criteria()).recompute(ACCOUNTS, STRUCTURES).publish(date(2027, 2, 1))


def test_state_machine_table():
    assert next_state(PanelState.DRAFT, PanelAction.RECOMPUTE) is PanelState.DRAFT
    assert next_state(PanelState.DRAFT, PanelAction.PUBLISH) is PanelState.PUBLISHED
    assert next_state(PanelState.PUBLISHED, PanelAction.CLOSE) is PanelState.CLOSED
    with pytest.raises(TransitionRefused, match="un panel publié ne peut pas être recalculé"):
        next_state(PanelState.PUBLISHED, PanelAction.RECOMPUTE)
    with pytest.raises(TransitionRefused, match="il faut d'abord le publier"):
        next_state(PanelState.DRAFT, PanelAction.CLOSE)
    for action in PanelAction:
        with pytest.raises(TransitionRefused, match="panel clos"):
            next_state(PanelState.CLOSED, action)


def test_draft_preview_recompute_publish_close():
    draft = Panel(criteria())
    preview = draft.preview(ACCOUNTS, STRUCTURES)
    assert draft.result is None and preview.members  # preview keeps nothing
    with pytest.raises(TransitionRefused, match="pas encore été calculé"):
        draft.publish(date(2027, 2, 1))
    computed = draft.recompute(ACCOUNTS, STRUCTURES)
    assert computed.state is PanelState.DRAFT and computed.result.to_json() == preview.to_json()
    pub = computed.publish(date(2027, 2, 1))
    assert pub.state is PanelState.PUBLISHED and pub.published_on == date(2027, 2, 1)
    # membership and assignments are frozen
    with pytest.raises(TransitionRefused, match="recalculé"):
        pub.recompute(ACCOUNTS[:5], STRUCTURES)
    with pytest.raises(TransitionRefused, match="critères d'un panel publié"):
        pub.with_criteria(criteria(seed=2))
    with pytest.raises(TransitionRefused, match="déjà publié"):
        pub.publish(date(2027, 3, 1))
    assert pub.result is computed.result
    with pytest.raises(TransitionRefused, match="précède la publication"):
        pub.close(date(2027, 1, 1))
    closed = pub.close(date(2027, 12, 31))
    assert closed.state is PanelState.CLOSED and closed.closed_on == date(2027, 12, 31)
    with pytest.raises(TransitionRefused, match="Action « clore » refusée sur un panel clos"):
        closed.close(date(2028, 1, 1))


def test_empty_panel_cannot_be_published_and_new_criteria_drop_the_result():
    empty = Panel(criteria()).recompute([acct(1, impots=0)], STRUCTURES)
    with pytest.raises(TransitionRefused, match="aucun membre"):
        empty.publish(date(2027, 2, 1))
    assert empty.with_criteria(criteria(seed=3)).result is None


def _treated(panel: Panel, placed: bool = True):
    for m in panel.result.panel_members:
        if (m.structure_code is not None) == placed:
            return panel.membership(m.redevable_id)
    raise AssertionError("no such member")


def test_new_creance_follows_the_assigned_structure():
    pub = published()
    ms = _treated(pub)
    rid = ms.member.redevable_id
    r = route_new_creance(ms, NewCreance(rid, "amendes", reference="AFM-1"))
    assert r.structure_code == "SIP-AUX" and "SIP-AUX" in r.reason
    assert route_new_creance(ms, NewCreance(rid, "impots")).structure_code == "SIP-AUX"
    out = route_new_creance(ms, NewCreance(rid, "secteur_local"))
    assert out.structure_code is None and "hors du périmètre du panel" in out.reason
    control = next(m for m in pub.result.members if m.group is Group.CONTROL)
    r = route_new_creance(pub.membership(control.redevable_id), NewCreance(control.redevable_id, "amendes"))
    assert r.structure_code is None and "groupe témoin" in r.reason
    assert route_new_creance(None, NewCreance(5000, "amendes")).reason == "Redevable hors panel : circuit habituel"
    # draft and closed panels do not route
    draft = Panel(criteria()).recompute(ACCOUNTS, STRUCTURES)
    assert route_new_creance(draft.membership(rid), NewCreance(rid, "amendes")).structure_code is None
    closed = pub.close(date(2027, 12, 31))
    assert route_new_creance(closed.membership(rid), NewCreance(rid, "amendes")).structure_code is None
    with pytest.raises(ValueError):
        route_new_creance(ms, NewCreance(rid + 1, "amendes"))


def test_hospital_creance_in_configuration_2():
    c = criteria(configuration=2, products=["amendes", "hopital"], departements=["58"], name="nevers")
    accounts = [acct(i, commune=NEVERS, impots=0, secteur_local=9_000, hospital=9_000) for i in range(1, 20)]
    pub = Panel(c).recompute(accounts, STRUCTURES).publish(date(2027, 2, 1))
    ms = _treated(pub)
    rid = ms.member.redevable_id
    assert route_new_creance(ms, NewCreance(rid, "secteur_local", hospital=True)).structure_code == "TM-NEV"
    assert route_new_creance(ms, NewCreance(rid, "secteur_local", hospital=False)).structure_code is None


def test_manual_member_routes_once_assigned_by_hand():
    pub = published()
    ms = _treated(pub, placed=False) if any(m.redevable_id == 100 and m.group is Group.PANEL
                                             for m in pub.result.members) else None
    if ms is None:  # Migennes debtor drawn as control with this seed: check another seed
        pub = Panel(criteria(seed=4)).recompute(ACCOUNTS, STRUCTURES).publish(date(2027, 2, 1))
        ms = _treated(pub, placed=False)
    r = route_new_creance(ms, NewCreance(100, "amendes"))
    assert r.structure_code is None and "Affectation manuelle en attente" in r.reason
    from dataclasses import replace

    routed = route_new_creance(replace(ms, structure_code="SIP-SENS"), NewCreance(100, "amendes"))
    assert routed.structure_code == "SIP-SENS"


def test_reassignment_proposal_on_move():
    pub = published()
    ms = _treated(pub)
    assigner = Assigner(territory(), 1, ("amendes", "impots"))
    # move within the territory of SIP-AUX: nothing to do
    assert propose_reassignment(ms, addr(JOIGNY, date(2027, 3, 1)), assigner) is None
    # move to Sens: proposal to SIP-SENS
    p = propose_reassignment(ms, addr(SENS, date(2027, 3, 1), "amendes"), assigner)
    assert p is not None and (p.from_structure, p.to_structure) == ("SIP-AUX", "SIP-SENS")
    assert p.reason.startswith("Déménagement (adresse du 01/03/2027 (source : amendes)) hors du territoire de SIP-AUX")
    assert p.reason.endswith("proposition SIP-SENS, SIP compétent pour la commune 89387 (Sens)")
    assert "(SIP d'Auxerre)" in p.reason
    # Migennes is still in SIP-AUX's territory (also in SIP-SENS's): the assignment stands
    assert propose_reassignment(ms, addr(MIGENNES, date(2027, 3, 1)), assigner) is None
    # move to Tonnerre (no SIP): proposal of a manual assignment
    p = propose_reassignment(ms, addr(TONNERRE, date(2027, 3, 1)), assigner)
    assert p is not None and p.to_structure is None and p.manual
    assert p.reason.endswith("commune 89418 (Tonnerre) dans le territoire d'aucun SIP ; affectation manuelle à prévoir")
    # older or undeliverable information is not a move
    assert propose_reassignment(ms, addr(SENS, date(2020, 1, 1)), assigner) is None
    from panels import Reliability

    assert propose_reassignment(ms, addr(SENS, date(2027, 3, 1), reliability=Reliability.UNDELIVERABLE),
                                assigner) is None
    # control members and unpublished panels get no proposal
    control = next(m for m in pub.result.members if m.group is Group.CONTROL)
    assert propose_reassignment(pub.membership(control.redevable_id), addr(SENS, date(2027, 3, 1)), assigner) is None
    draft = Panel(criteria()).recompute(ACCOUNTS, STRUCTURES)
    assert propose_reassignment(draft.membership(ms.member.redevable_id), addr(SENS, date(2027, 3, 1)),
                                assigner) is None
