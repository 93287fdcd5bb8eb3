"""Incremental matching against an index of known persons."""

from __future__ import annotations

import pytest

from matching import MatchIndex, MatchModel, MatchSettings, Record, link

from matching_fixtures import population


@pytest.fixture(scope="module")
def setup():
    records, truth = population(400, seed=9)
    # hold out the amendes records: they are the "daily flow"
    base = [r for r in records if r.source != "amendes"]
    flow = [r for r in records if r.source == "amendes"]
    result = link(base, MatchSettings())
    model = MatchModel.from_json(result.model.to_json())  # as the application would reload it
    persons = {k: truth[k] for k in result.clusters}  # the application's redevable ids
    return MatchIndex.build(base, model, persons=persons), flow, truth, {truth[k] for k in persons}


def test_new_record_finds_its_person(setup):
    index, flow, truth, known = setup
    right = wrong = 0
    for record in flow:
        found = index.match(record)
        expected = truth[record.key]
        if found and found[0].status == "accept":
            if found[0].person == expected:
                right += 1
            else:
                wrong += 1
    in_index = sum(1 for r in flow if truth[r.key] in known)
    assert right >= 0.85 * in_index
    assert wrong <= 0.02 * max(right, 1)


def test_candidates_carry_probability_and_explanation(setup):
    index, flow, truth, known = setup
    record = next(r for r in flow if truth[r.key] in known and r.birth_date)
    found = index.match(record)
    assert found, record
    best = found[0]
    assert 0.0 < best.probability <= 1.0
    assert best.explanation["fields"] and best.explanation["probability"] == pytest.approx(best.probability)
    assert [c.probability for c in found] == sorted((c.probability for c in found), reverse=True)


def test_unknown_person_gets_no_accepted_candidate(setup):
    index, *_ = setup
    stranger = Record("amendes", "X1", first_names="ZEPHIRIN", last_name="OUTREQUIN", birth_date="01/01/1931",
                      address="1 RUE INCONNUE", postcode="06000", city="NICE")
    assert all(c.status != "accept" for c in index.match(stranger))


def test_added_record_is_found_and_matching_is_fast(setup):
    index, *_ = setup
    new = Record("helios", "NEW", first_names="ZEPHIRIN", last_name="OUTREQUIN", birth_date="01/01/1931",
                 street="1 RUE INCONNUE", postcode="06000", city="NICE")
    index.add(new, "P-NEW")
    again = Record("amendes", "X2", first_names="ZEPHIRIN", last_name="OUTREQUIN", birth_date="01/01/1931",
                   address="1 R INCONNUE", postcode="06000", city="NICE")
    found = index.match(again)
    assert found and found[0].person == "P-NEW" and found[0].status == "accept"


def test_a_glued_first_name_is_read_as_in_the_batch(setup):
    """MARGARET is in no vendored list: the index learnt it from the records it was built on, so
    "LELEU MARGARET" (daily flow, first-name field empty) is LELEU + MARGARET, as the batch reads it."""
    index, flow, *_ = setup
    given = [Record("impots", f"M{i}", first_names="MARGARET", last_name=name, birth_date=f"0{i + 1}/02/1950")
             for i, name in enumerate(("LELEU", "OUTREQUIN", "VASSEROT"))]
    small = MatchIndex.build([*given, *flow], index.model)
    new = Record("nouveau", "G1", last_name="LELEU MARGARET", birth_date="01/02/1950")
    best = small.match(new)[0]
    assert best.record == ("impots", "M0")
    levels = {f["comparison"]: f["level"] for f in best.explanation["fields"]}
    assert levels["surname"] == "exact" and levels["first_names"] == "exact"


def test_names_new_to_the_index_are_compared_whatever_was_matched_before(setup):
    """Names typed in each other's field: GILLES (surname) and THOMAS (first name) against THOMAS
    GILLES. GILLES is new to the index's surnames; matching another record first (which fills the
    vocabularies' derived arrays) must not hide the match."""
    index, flow, *_ = setup
    people = [Record("impots", "T", first_names="GILLES", birth_name="THOMAS", birth_date="21/05/1938",
                     street="17 CHEMIN PAOLI", postcode="67700", city="GOTTENHOUSE"),
              Record("impots", "M", first_names="PAUL", birth_name="MARTINOT", birth_date="02/01/1950"), *flow]
    query = Record("nouveau", "Q", first_names="THOMAS", last_name="GILLES", birth_date="21/05/1938",
                   street="17 CHE PAOLI", postcode="67700", city="GOTTENHOUSE")
    fresh = MatchIndex.build(people, index.model).match(query)
    warm = MatchIndex.build(people, index.model)
    swapped_too = Record("nouveau", "O", first_names="MARTINOT", last_name="PAUL", birth_date="02/01/1950")
    assert warm.match(swapped_too)[0].record == ("impots", "M")
    for found in (fresh, warm.match(query)):
        assert found and found[0].record == ("impots", "T") and found[0].status == "accept"


def test_a_record_that_fits_two_persons_equally_goes_to_review(setup):
    """JEAN VAUTRIN without birth date at the address of a father and a son both JEAN VAUTRIN:
    neither is taken, as the batch clustering would detach it."""
    index, flow, *_ = setup
    home = dict(street="12 BD VICTOR HUGO", postcode="06000", city="NICE")
    father = Record("impots", "FA", first_names="JEAN", birth_name="VAUTRIN", sex="M", birth_date="03/05/1955", **home)
    son = Record("impots", "SO", first_names="JEAN", birth_name="VAUTRIN", sex="M", birth_date="17/09/1985", **home)
    small = MatchIndex.build([father, son, *flow], index.model)
    found = small.match(Record("nouveau", "J", first_names="JEAN", last_name="VAUTRIN", **home))
    assert {c.record for c in found[:2]} == {father.key, son.key}
    assert all(c.status == "review" for c in found)
    dated = small.match(Record("nouveau", "K", first_names="JEAN", last_name="VAUTRIN", birth_date="17/09/1985",
                               **home))
    assert dated[0].record == son.key and dated[0].status == "accept"


# --- reviewers' decisions in the daily flow: honoured as the batch run does -------------------

def test_a_same_person_decision_attaches_the_record_whatever_the_model_says(setup):
    """The reviewer said ANNE MOREL (born 1960) and the record typed BRIGITTE MORELLI (born 1971)
    are one person: the model vetoes the pair (dates differ) and no blocking key joins them, yet the
    record goes to ANNE's person, and to no other; without the decision it goes to nobody."""
    index, flow, *_ = setup
    anne = Record("impots", "A1", first_names="ANNE", birth_name="MOREL", birth_date="12/03/1960",
                  street="4 RUE PASTEUR", postcode="89000", city="AUXERRE")
    twin = Record("impots", "B1", first_names="BRIGITTE", birth_name="MORELLI", birth_date="05/06/1971",
                  street="9 RUE DU MOULIN", postcode="06000", city="NICE")
    new = Record("amendes", "N1", first_names="BRIGITTE", last_name="MORELLI", birth_date="05/06/1971",
                 street="9 RUE DU MOULIN", postcode="06000", city="NICE")
    plain = MatchIndex.build([anne, twin, *flow], index.model)
    assert plain.match(new)[0].record == twin.key and plain.match(new)[0].status == "accept"
    decided = MatchIndex.build([anne, twin, *flow], index.model, decisions={(new.key, anne.key): True})
    found = decided.match(new)
    assert found[0].record == anne.key and found[0].status == "accept"
    assert found[0].explanation["decision"] == "same" and found[0].probability > 0.999
    assert [c.status for c in found[1:]] == ["review"] * (len(found) - 1)  # BRIGITTE is not taken


def test_a_different_persons_decision_keeps_the_record_out_of_that_person(setup):
    """An exact copy of a known record, decided "different" (twins, homonyms): never attached to
    that person, nor offered for review again — the other records of that person included."""
    index, flow, *_ = setup
    known = Record("impots", "K1", first_names="PAUL", birth_name="VASSEROT", birth_date="02/01/1950",
                   street="3 RUE PASTEUR", postcode="89000", city="AUXERRE")
    also = Record("helios", "K2", first_names="PAUL", last_name="VASSEROT", birth_date="02/01/1950",
                  street="3 R PASTEUR", postcode="89000", city="AUXERRE")
    new = Record("amendes", "N2", first_names="PAUL", last_name="VASSEROT", birth_date="02/01/1950",
                 street="3 RUE PASTEUR", postcode="89000", city="AUXERRE")
    persons = {known.key: "P", also.key: "P"}
    plain = MatchIndex.build([known, also, *flow], index.model, persons)
    assert plain.match(new)[0].person == "P" and plain.match(new)[0].status == "accept"
    decided = MatchIndex.build([known, also, *flow], index.model, persons,
                               decisions={(known.key, new.key): False})
    assert all(c.person != "P" for c in decided.match(new))


def test_decisions_reach_records_added_after_the_index_was_built(setup):
    """Two new records decided "same" (both imported since the batch): the second joins the
    person the first was given, though nothing in their values agrees."""
    index, flow, *_ = setup
    first = Record("impots", "F1", first_names="ZEPHIRIN", birth_name="OUTREQUIN", birth_date="01/01/1931",
                   street="1 RUE INCONNUE", postcode="06000", city="NICE")
    second = Record("amendes", "F2", first_names="JULES", last_name="DARMONT", birth_date="14/07/1944")
    decided = MatchIndex.build(flow, index.model, decisions={(second.key, first.key): True})
    assert all(c.status != "accept" for c in decided.match(second))
    decided.add(first, "P-F")
    found = decided.match(second)
    assert found[0].person == "P-F" and found[0].status == "accept"


def test_same_person_decisions_naming_two_persons_are_left_to_a_human(setup):
    index, flow, *_ = setup
    a = Record("impots", "S1", first_names="PAUL", birth_name="VASSEROT", birth_date="02/01/1950")
    b = Record("helios", "S2", first_names="PAULE", last_name="VASSEROT", birth_date="02/01/1952")
    new = Record("amendes", "S3", first_names="PAUL", last_name="VASSEROT", birth_date="02/01/1950")
    decided = MatchIndex.build([a, b, *flow], index.model, decisions={(new.key, a.key): True, (new.key, b.key): True})
    found = decided.match(new)
    assert {c.record for c in found} >= {a.key, b.key}
    assert all(c.status == "review" for c in found)
