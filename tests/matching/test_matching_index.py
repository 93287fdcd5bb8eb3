"""Incremental matching against an index of known persons."""

from __future__ import annotations

import time

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
    t = time.perf_counter()
    for _ in range(20):
        index.match(again)
    assert (time.perf_counter() - t) / 20 < 0.05
