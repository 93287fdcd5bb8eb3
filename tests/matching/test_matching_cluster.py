"""Clustering: components, contradiction splitting (min-cut), ambiguity, first-name waiver."""

from __future__ import annotations

import numpy as np

from matching import MatchSettings, Record, link
from matching.cluster import Contradictions, cluster


def _fn(hard_pairs=(), soft_pairs=(), compatible_pairs=()):
    def norm(pairs):
        return {(min(a, b), max(a, b)) for a, b in pairs}

    hard, soft, comp = norm(hard_pairs), norm(soft_pairs), norm(compatible_pairs)

    def contradicts(a, b):
        keys = [(min(x, y), max(x, y)) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
        return Contradictions(
            np.array([k in hard for k in keys], bool),
            np.array([k in soft for k in keys], bool),
            np.array([k in comp for k in keys], bool),
        )

    return contradicts


def test_components_without_contradiction_are_kept_whole():
    left, right = np.array([0, 1, 3]), np.array([1, 2, 4])
    labels, kept = cluster(6, left, right, np.array([10.0, 10.0, 10.0]), _fn())
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] != labels[5]
    assert kept.all()


def test_chain_with_contradictory_birth_dates_is_split_at_the_weakest_link():
    # father(0) — record without date(1) — son(2), plus son's second record(3)
    left, right = np.array([0, 1, 2]), np.array([1, 2, 3])
    weight = np.array([20.0, 6.0, 25.0])
    labels, kept = cluster(4, left, right, weight, _fn(hard_pairs=[(0, 2), (0, 3)]), ambiguity_margin=0)
    assert labels[0] == labels[1]
    assert labels[2] == labels[3] != labels[0]
    assert kept.tolist() == [True, False, True]


def test_ambiguous_record_is_detached_from_both_sides():
    left, right = np.array([0, 1]), np.array([1, 2])
    weight = np.array([12.0, 11.0])  # nearly as strong to the father as to the son
    labels, _ = cluster(3, left, right, weight, _fn(hard_pairs=[(0, 2)]), ambiguity_margin=3.0)
    assert len({labels[0], labels[1], labels[2]}) == 3


def test_first_name_contradiction_waived_by_a_record_holding_both_first_names():
    # EDITH (0) and HORTENSE (2) share nothing, but record 1 is "EDITH HORTENSE"
    left, right = np.array([0, 1]), np.array([1, 2])
    labels, _ = cluster(3, left, right, np.array([10.0, 10.0]),
                        _fn(soft_pairs=[(0, 2)], compatible_pairs=[(0, 1), (1, 2)]))
    assert labels[0] == labels[1] == labels[2]
    labels, _ = cluster(3, left, right, np.array([10.0, 4.0]), _fn(soft_pairs=[(0, 2)]), ambiguity_margin=0)
    assert labels[0] == labels[1] != labels[2]


def test_link_splits_a_chained_cluster_and_merges_duplicates_inside_one_source():
    base = dict(last_name="QUESNEL", first_names="JEAN", street="4 RUE PASTEUR", postcode="58000", city="NEVERS")
    records = [
        Record("impots", "father", birth_date="01/01/1950", **base),
        Record("impots", "son", birth_date="02/02/1980", **base),
        Record("helios", "h1", **base),  # no birth date: could be either
        Record("amendes", "a1", birth_date="02/02/1980", **base),
        Record("amendes", "a2", birth_date="02/02/1980", **base),  # duplicate inside amendes
    ]
    from matching_fixtures import population

    background, _ = population(200, seed=3)
    result = link(background + records, MatchSettings())
    c = result.clusters
    assert c[("impots", "father")] != c[("impots", "son")]
    assert c[("impots", "son")] == c[("amendes", "a1")] == c[("amendes", "a2")]
    # every cluster is free of contradictory complete birth dates
    members = result.cluster_members()
    for keys in members.values():
        dates = {result.table.birth_date[result.table.keys().index(k)] for k in keys} - {0}
        assert len(dates) <= 1 or len(keys) == 1


def test_human_decisions_override_the_model():
    from matching_fixtures import population

    records, truth = population(150, seed=8)
    first = link(records, MatchSettings())
    a, b = first.pairs[0].left, first.pairs[0].right
    far = next(k for k in first.clusters if first.clusters[k] != first.clusters[a])
    second = link(records, MatchSettings(), model=first.model, decisions={(a, b): False, (a, far): True})
    assert second.clusters[a] != second.clusters[b]
    assert second.clusters[a] == second.clusters[far]
