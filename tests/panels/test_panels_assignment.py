from datetime import date

from panels import (
    AddressStatus,
    Assigner,
    Group,
    PlacementCode,
    Reliability,
    best_address,
    compose_panel,
)

from panels_fixtures import (
    AUXERRE,
    AVALLON,
    COMMUNES,
    JOIGNY,
    MIGENNES,
    NEVERS,
    NICE,
    SENS,
    STRUCTURES,
    TONNERRE,
    acct,
    addr,
    criteria,
    territory,
)

U, R, NPAI = Reliability.UNVERIFIED, Reliability.RELIABLE, Reliability.UNDELIVERABLE


def test_best_address_prefers_the_most_recent_reliable_one():
    old_reliable = addr(AUXERRE, date(2025, 1, 1), "impots", R)
    newer_unverified = addr(SENS, date(2026, 1, 1), "amendes", U)
    newest_npai = addr(JOIGNY, date(2026, 6, 1), "secteur_local", NPAI)
    recent_reliable = addr(NEVERS, date(2025, 6, 1), "secteur_local", R)
    choice = best_address([old_reliable, newer_unverified, newest_npai, recent_reliable])
    assert choice.observation == recent_reliable and choice.status is AddressStatus.RELIABLE
    # no reliable one: the most recent unverified, and it says so
    choice = best_address([newer_unverified, newest_npai, addr(JOIGNY, date(2024, 1, 1), "impots", U)])
    assert choice.observation == newer_unverified
    assert choice.describe() == "adresse du 01/01/2026 (source : amendes), non vérifiée"


def test_best_address_same_day_prefers_impots_then_secteur_local():
    day = date(2026, 3, 1)
    a = addr(SENS, day, "amendes")
    s = addr(JOIGNY, day, "secteur_local")
    i = addr(AUXERRE, day, "impots")
    assert best_address([a, s, i]).code_insee == AUXERRE
    assert best_address([a, s]).code_insee == JOIGNY
    assert best_address([s, a]).code_insee == JOIGNY


def test_best_address_without_usable_commune():
    assert best_address([]).status is AddressStatus.NONE
    assert best_address([addr(AUXERRE, reliability=NPAI)]).status is AddressStatus.ALL_UNDELIVERABLE
    no_code = addr(None, postcode="89000")
    assert best_address([no_code]).status is AddressStatus.NO_COMMUNE
    resolved = best_address([no_code], {"89000": [AUXERRE]})
    assert resolved.code_insee == AUXERRE and "code postal 89000" in resolved.describe()
    assert best_address([no_code], {"89000": [AUXERRE, JOIGNY]}).status is AddressStatus.NO_COMMUNE


def place(configuration, products, account):
    return Assigner(territory(), configuration, products).place(account)


def test_configuration_1_goes_to_the_competent_sip_with_its_reason():
    p = place(1, ("amendes", "impots"), acct(1, commune=AUXERRE))
    assert p.code is PlacementCode.ASSIGNED and p.structure_code == "SIP-AUX"
    assert p.reason == "SIP compétent pour la commune 89024 (Auxerre), adresse du 01/03/2026 (source : impôts)"
    assert place(1, ("amendes", "impots"), acct(2, commune=SENS)).structure_code == "SIP-SENS"


def test_configuration_1_unplaceable_cases_give_a_french_reason():
    prods = ("amendes", "impots")
    amb = place(1, prods, acct(1, commune=MIGENNES))
    assert amb.code is PlacementCode.AMBIGUOUS and amb.candidates == ("SIP-AUX", "SIP-SENS")
    assert amb.reason.startswith("Plusieurs SIP compétents pour la commune 89257 (Migennes) : SIP-AUX, SIP-SENS")
    none = place(1, prods, acct(2, commune=TONNERRE))
    assert none.code is PlacementCode.NO_STRUCTURE
    assert none.reason.startswith("Commune 89418 (Tonnerre) dans le territoire d'aucun SIP")
    hab = place(1, prods, acct(3, commune=AVALLON))
    assert hab.code is PlacementCode.NOT_HABILITATED and hab.candidates == ("SIP-AVA",)
    assert "non habilité pour la configuration 1" in hab.reason
    no_addr = place(1, prods, acct(4, commune=None))
    assert no_addr.code is PlacementCode.NO_ADDRESS and no_addr.reason.startswith("Aucune adresse connue")
    for p in (amb, none, hab, no_addr):
        assert p.structure_code is None and p.reason.endswith("affectation manuelle")


def test_configuration_2_and_3():
    p2 = place(2, ("amendes", "hopital"), acct(1, commune=NEVERS, impots=0, secteur_local=9_000, hospital=9_000))
    assert p2.structure_code == "TM-NEV"
    assert p2.reason.startswith("Trésorerie mixte compétente pour la commune 58194 (Nevers)")
    p3 = place(3, ("amendes", "impots"), acct(2, commune=NICE))
    assert p3.structure_code == "TA-06"
    assert p3.reason.startswith("Trésorerie amendes compétente pour la commune 06088 (Nice) (département 06)")
    # the Yonne's trésorerie amendes is not habilitated for impôts
    assert place(3, ("amendes", "impots"), acct(3, commune=AUXERRE)).code is PlacementCode.NOT_HABILITATED


def test_every_treated_member_has_exactly_one_competent_structure_or_is_in_the_manual_list():
    t = territory()
    communes = [AUXERRE, JOIGNY, MIGENNES, SENS, AVALLON, TONNERRE, None]
    accounts = [acct(i, commune=communes[i % len(communes)], structures=frozenset({"SIP-AUX"}))
                for i in range(1, 351)]
    accounts.append(acct(999, addresses=(addr(AUXERRE, reliability=NPAI),), structures=frozenset({"SIP-AUX"})))
    result = compose_panel(accounts, t, criteria())
    manual = {e.redevable_id: e for e in result.manual}
    treated = result.panel_members
    assert len(result.members) == len(accounts)  # nobody dropped
    assert manual and len(manual) < len(treated)
    by_code = t.by_code
    for m in treated:
        if m.structure_code is None:
            entry = manual[m.redevable_id]
            assert entry.reason == m.reason and entry.reason
            assert entry.reason_code != "affecte"
        else:
            assert m.redevable_id not in manual
            competent = [s for s in STRUCTURES if m.code_insee in s.communes and s.type == "sip"
                         and s.configuration == 1]
            assert [s.code for s in competent] == [m.structure_code]
            assert by_code[m.structure_code].type == "sip"
            assert f"commune {m.code_insee} ({COMMUNES[m.code_insee]})" in m.reason
            assert m.address is not None and m.address.observed_on.strftime("%d/%m/%Y") in m.reason
    for m in result.control_members:
        assert m.structure_code is None and m.redevable_id not in manual
        assert m.reason.startswith("Groupe témoin")
    assert manual[999].reason_code == "adresses_npai" if 999 in manual else result.member(999).group is Group.CONTROL
