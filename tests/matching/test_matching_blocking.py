"""Blocking: several keys in union find a person when any one field is wrong or missing."""

from __future__ import annotations

import numpy as np

from matching import Record, default_blocking_rules, link
from matching.blocking import blocking_recall, candidate_pairs
from matching.table import build_table

BASE = dict(first_names="GASPARD", birth_name="TREMBLAY", birth_date="05/06/1977", street="9 RUE PASTEUR",
            postcode="58000", city="NEVERS")


def _pairs(records):
    table = build_table(records)
    cands = candidate_pairs(table, default_blocking_rules())
    return {(int(a), int(b)) for a, b in zip(cands.left, cands.right, strict=True)}, cands


def test_found_when_any_one_field_is_wrong_or_missing():
    variants = {
        "changed surname": dict(BASE, birth_name="LAFFONT"),
        "no birth date": dict(BASE, birth_date=None),
        "moved": dict(BASE, street="1 AVENUE FOCH", postcode="06000", city="NICE"),
        "first name typo": dict(BASE, first_names="GASPART"),
        "surname typo": dict(BASE, birth_name="TREMBLEY"),
    }
    for name, fields in variants.items():
        pairs, _ = _pairs([Record("a", "1", **BASE), Record("b", "2", **fields)])
        assert (0, 1) in pairs, name


def test_names_typed_in_each_other_field_after_a_move_are_paired_and_linked():
    moved = dict(street="1 AVENUE FOCH", postcode="58000", city="NEVERS")
    records = [Record("a", "1", first_names="MICHEL", birth_name="PIERRE", birth_date="22/01/1985", **moved),
               Record("b", "2", first_names="PIERRE", last_name="MICHEL", birth_date="22/01/1985",
                      street="4 RUE DES ECOLES", postcode="58200", city="COSNE-COURS-SUR-LOIRE")]
    pairs, cands = _pairs(records)
    assert (0, 1) in pairs
    assert {s.name for s in cands.rules if s.new_pairs} <= {"noms+departement", "noms+annee"}
    undated = [records[0], Record("b", "2", first_names="PIERRE", last_name="MICHEL", street="4 RUE DES ECOLES",
                                  postcode="58200", city="COSNE-COURS-SUR-LOIRE")]
    assert (0, 1) in _pairs(undated)[0]
    result = link(records)
    assert result.clusters[("a", "1")] == result.clusters[("b", "2")]


def test_typos_in_the_name_the_first_name_and_the_street_of_one_address_are_paired():
    """No date, and a typo in every name field and in the street: only the address rule pairs
    them — and it pairs the records of one address and one initial only."""
    a = Record("a", "1", first_names="VANESSA", birth_name="COLLET", street="4 RUE DES LILAS", postcode="58190",
               city="METZ LE COMTE")
    b = Record("b", "2", first_names="VNESSA", last_name="COLET", street="4 RUE DES LILLAS", postcode="58190",
               city="METZ-LE-COMTE")
    next_door = Record("c", "3", first_names="VANESSA", last_name="COLLET", street="6 RUE DES LILAS",
                       postcode="58190", city="METZ LE COMTE")
    spouse = Record("d", "4", first_names="THIERRY", last_name="COLLET", street="4 RUE DES LILAS", postcode="58190",
                    city="METZ LE COMTE")
    pairs, cands = _pairs([a, b, next_door, spouse])
    assert (0, 1) in pairs
    adresse = next(s for s in cands.rules if s.name == "adresse+initiale")
    assert adresse.new_pairs == 1 and adresse.pairs == 1


def test_not_found_when_nothing_agrees():
    pairs, _ = _pairs([
        Record("a", "1", **BASE),
        Record("b", "2", first_names="ODILE", birth_name="MARCHAND", birth_date="01/01/1990", street="3 RUE X",
               postcode="06000", city="NICE"),
    ])
    assert not pairs


def test_rule_statistics_and_blocking_recall():
    records = [Record("a", str(i), **BASE) for i in range(3)] + [Record("b", "x", **dict(BASE, first_names="LUC"))]
    pairs, cands = _pairs(records)
    assert len(cands) == 6
    assert sum(r.new_pairs for r in cands.rules) == 6
    truth = np.array([0, 0, 0, 1])
    recall, found, total = blocking_recall(cands, truth)
    assert (recall, found, total) == (1.0, 3, 3)


def test_link_reports_candidates_and_blocking_recall():
    records = [Record("a", "1", **BASE), Record("b", "2", **dict(BASE, birth_date=None)),
               Record("c", "3", first_names="ODILE", birth_name="MARCHAND", postcode="06000", city="NICE")]
    truth = {("a", "1"): "P1", ("b", "2"): "P1", ("c", "3"): "P2"}
    result = link(records, truth=truth)
    assert result.stats["candidate_pairs"] >= 1
    assert result.stats["blocking_recall"] == 1.0
    assert result.stats["true_pairs"] == 1
