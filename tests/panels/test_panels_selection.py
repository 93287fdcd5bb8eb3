from datetime import date, timedelta

import pytest

from panels import InputError, select

from panels_fixtures import AS_OF, AUXERRE, JOIGNY, NEVERS, SENS, acct, addr, criteria, territory

FULL = dict(
    min_per_product_cents={"amendes": 5_000},
    max_total_cents=1_000_000,
    min_oldest_debt_days=90,
    max_oldest_debt_days=1_460,
    exclude_prescription_within_days=90,
)

# account id → the criterion that must remove it (None: kept)
CASES = {
    1: (acct(1), None),
    2: (acct(2, impots=0), "products"),
    3: (acct(3, commune=NEVERS), "departements"),
    4: (acct(4, commune=None, structures=frozenset({"SIP-AUX"})), None),  # no address, managed in the 89
    5: (acct(5, commune=None, structures=frozenset({"TM-NEV"})), "departements"),
    6: (acct(6, commune=None), "departements"),  # neither address nor structure
    7: (acct(7, amendes=3_000), "min_per_product_cents"),
    8: (acct(8, impots=4_000, amendes=5_000), "min_total_cents"),
    9: (acct(9, impots=2_000_000), "max_total_cents"),
    10: (acct(10, oldest=AS_OF - timedelta(days=10)), "min_oldest_debt_days"),
    11: (acct(11, oldest=date(2020, 1, 1)), "max_oldest_debt_days"),
    12: (acct(12, deceased=True), "exclude_deceased"),
    13: (acct(13, surendettement=True), "exclude_surendettement"),
    14: (acct(14, procedure_collective=True), "exclude_procedure_collective"),
    15: (acct(15, contested=True), "exclude_contested"),
    16: (acct(16, payment_plan_honoured=True), "exclude_payment_plan_honoured"),
    17: (acct(17, prescription=AS_OF + timedelta(days=30)), "exclude_prescription_within_days"),
    18: (acct(18, prescription=AS_OF - timedelta(days=1)), "exclude_prescription_within_days"),
    19: (acct(19, prescription=AS_OF + timedelta(days=91)), None),
    20: (acct(20, prescription=None), None),
    21: (acct(21, deceased=True, contested=True), "exclude_deceased"),  # counted once, first criterion
    22: (acct(22, commune=SENS), None),
    23: (acct(23, impots=5_000, amendes=5_000), None),  # exactly the minimum total
}


def test_each_criterion_removes_what_it_should_and_is_counted():
    accounts = [a for a, _ in CASES.values()]
    sel = select(accounts, criteria(**FULL), territory())
    kept = {a.redevable_id for a in sel.accounts}
    assert kept == {rid for rid, (_, why) in CASES.items() if why is None}
    report = sel.report
    assert report.examined == len(CASES)
    expected: dict[str, int] = {}
    for _, why in CASES.values():
        if why:
            expected[why] = expected.get(why, 0) + 1
    assert {s.criterion: s.removed for s in report.steps if s.removed} == expected
    assert report.selected == len(kept)
    # ordered funnel: remaining decreases by removed at each step
    remaining = report.examined
    for step in report.steps:
        remaining -= step.removed
        assert step.remaining == remaining
    assert [s.criterion for s in report.steps][:2] == ["products", "departements"]


def test_report_labels_are_french():
    sel = select([a for a, _ in CASES.values()], criteria(**FULL), territory())
    labels = {s.criterion: s.label for s in sel.report.steps}
    assert labels["departements"] == "Hors des départements retenus (89)"
    assert labels["products"] == "Pas de dette sur chacun des produits retenus (amendes, impôts)"
    assert labels["min_total_cents"] == "Reste à recouvrer total (amendes, impôts) inférieur à 100 €"
    assert labels["min_per_product_cents"] == "Reste à recouvrer amendes inférieur à 50 €"
    assert labels["exclude_prescription_within_days"] == "Prescription acquise ou dans 90 jours au plus"
    assert labels["exclude_deceased"] == "Redevable décédé"


def test_communes_criterion_needs_a_known_commune():
    accounts = [acct(1), acct(2, commune=JOIGNY), acct(3, commune=SENS),
                acct(4, commune=None, structures=frozenset({"SIP-AUX"}))]
    sel = select(accounts, criteria(communes=[AUXERRE, JOIGNY]), territory())
    assert [a.redevable_id for a in sel.accounts] == [1, 2]
    assert sel.report.removed_by("communes") == 2


def test_exclusions_can_be_switched_off():
    accounts = [acct(1, contested=True), acct(2, payment_plan_honoured=True)]
    sel = select(accounts, criteria(exclude_contested=False), territory())
    assert [a.redevable_id for a in sel.accounts] == [1]
    assert "exclude_contested" not in [s.criterion for s in sel.report.steps]


def test_configuration_2_uses_the_hospital_part_of_secteur_local():
    accounts = [
        acct(1, commune=NEVERS, impots=0, secteur_local=10_000, hospital=6_000),
        acct(2, commune=NEVERS, impots=0, secteur_local=10_000, hospital=0),  # local debts, not hospital
        acct(3, commune=NEVERS, amendes=0, secteur_local=10_000, hospital=10_000),
    ]
    c = criteria(configuration=2, products=["amendes", "hopital"], departements=["58"], name="nevers")
    sel = select(accounts, c, territory())
    assert [a.redevable_id for a in sel.accounts] == [1]
    assert sel.report.removed_by("products") == 2


def test_retained_address_is_the_most_recent_reliable_one():
    a = acct(1, addresses=(addr(NEVERS, date(2026, 6, 1), "amendes"), addr(AUXERRE, date(2026, 1, 1))))
    sel = select([a], criteria(), territory())
    assert sel.accounts == ()  # lives in Nevers now: out of the 89
    assert sel.report.removed_by("departements") == 1


def test_duplicate_debtor_is_refused():
    with pytest.raises(InputError, match="Redevable en double dans les comptes fournis : 7"):
        select([acct(7), acct(8), acct(7)], criteria(), territory())


def test_reference_date_is_required():
    c = criteria(reference_date=None)
    from panels import CriteriaError

    with pytest.raises(CriteriaError, match="date de référence absente"):
        select([acct(1)], c, territory())
    assert select([acct(1)], c, territory(), as_of=AS_OF).report.selected == 1
