"""Levels of single comparisons on explicit pairs of records."""

from __future__ import annotations

import numpy as np
import pytest

from matching import Record
from matching.comparisons import FirstNamesComparison, PairBatch
from matching.table import build_table


def first_names_level(a: str, b: str) -> str:
    # only the vendored list of usual first names counts as "known" in so small a table
    comparison = FirstNamesComparison(known_frequency=0.5)
    table = build_table([Record("x", "1", first_names=a), Record("y", "2", first_names=b)])
    batch = PairBatch(table, table, np.array([0]), np.array([1]), 1)
    return comparison.level_names()[int(comparison.compare(batch).levels[0])]


@pytest.mark.parametrize("a, b", [("MONIQU", "MONIQUE CHRISTINE"), ("JEROME DOMINIQUE", "JEROM")])
def test_a_first_name_cut_short_is_a_typing_error_not_the_other_gender(a, b):
    assert first_names_level(a, b) == "fuzzy"


@pytest.mark.parametrize("a, b", [("JEAN", "JEANNE"), ("LOUIS", "LOUISE"), ("DANIEL", "DANIELLE")])
def test_masculine_and_feminine_first_names_are_different(a, b):
    assert first_names_level(a, b) == "other"


@pytest.mark.parametrize("written", ["HERGNIES (59)", "Hergnies (59)", "HERGNIES"])
def test_birth_place_with_its_departement_in_brackets(written):
    table = build_table([Record("x", "1", birth_place=written)])
    assert table.vocabs.place.values[table.birth_place[0]] == "59301"


def test_a_commune_name_found_in_several_departements_is_told_by_the_bracket():
    table = build_table([Record("x", "1", birth_place="SAINT-DENIS (93)"), Record("x", "2", birth_place="SAINT-DENIS")])
    assert table.vocabs.place.values[table.birth_place[0]] == "93066"
    assert table.vocabs.place.values[table.birth_place[1]].startswith("?")  # dozens of SAINT-DENIS


def test_an_unknown_place_stays_unknown_whatever_its_bracket():
    table = build_table([Record("x", "1", birth_place="FOOVILLE (93)")])
    assert table.vocabs.place.values[table.birth_place[0]] == "?FOOVILLE 93"
