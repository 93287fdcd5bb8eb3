"""What goes to human review: a doubt a person can settle, not a couple at one address."""

from __future__ import annotations

import pytest

from matching import MatchIndex, MatchSettings, Record, link

from matching_fixtures import population

ADDRESS = dict(street="14 RUE DES TANNEURS", postcode="58000", city="NEVERS")
HUSBAND = Record("impots", "H", first_names="GERMAIN", birth_name="BOURDARIAS", sex="M",
                 birth_date="04/09/1958", street_number="14", street="RUE DES TANNEURS", postcode="58000",
                 city="NEVERS")
# Hélios records without first name or birth date at the husband's address
MADAME = Record("helios", "MME", last_name="MME BOURDARIAS", **ADDRESS)
MONSIEUR = Record("helios", "M", last_name="M BOURDARIAS", **ADDRESS)
# a review band wide enough for both pairs: only the rule tells them apart
WIDE = dict(review=1e-6)


def records() -> list[Record]:
    return population(400, seed=5)[0] + [HUSBAND, MADAME, MONSIEUR]


@pytest.fixture(scope="module")
def linked():
    return link(records(), MatchSettings(**WIDE))


def reviewed(result) -> set[frozenset]:
    return {frozenset((p.left, p.right)) for p in result.review_pairs}


def test_the_same_surname_at_one_address_is_a_doubt_to_review(linked):
    assert frozenset((HUSBAND.key, MONSIEUR.key)) in reviewed(linked)
    assert linked.clusters[HUSBAND.key] != linked.clusters[MONSIEUR.key]  # no first name, no date: no link


def test_the_other_sex_without_first_name_nor_date_is_not_put_to_review(linked):
    explanation = linked.explain(HUSBAND.key, MADAME.key)
    assert not explanation["evidence"] and not explanation["veto"]
    assert frozenset((HUSBAND.key, MADAME.key)) not in reviewed(linked)
    without_rule = link(records(), MatchSettings(no_review_without_evidence={}, **WIDE))
    assert frozenset((HUSBAND.key, MADAME.key)) in reviewed(without_rule)


def test_the_daily_flow_applies_the_same_rule(linked):
    known = population(400, seed=5)[0] + [HUSBAND]
    persons = {r.key: i for i, r in enumerate(known)}
    index = MatchIndex.build(known, linked.model, persons=persons)
    floor = 1e-6
    assert persons[HUSBAND.key] in {c.person for c in index.match(MONSIEUR, min_probability=floor)}
    assert persons[HUSBAND.key] not in {c.person for c in index.match(MADAME, min_probability=floor)}


def test_the_rule_is_a_setting():
    again = MatchSettings.from_dict(MatchSettings(no_review_without_evidence={}).to_dict())
    assert again.no_review_without_evidence == {}
    assert MatchSettings.from_dict(MatchSettings().to_dict()).no_review_without_evidence == {
        "sex": ["other", "name_other"]}
