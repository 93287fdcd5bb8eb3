"""Levels of single comparisons on explicit pairs of records."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from matching import Record
from matching.comparisons import (
    BirthDateComparison,
    FirstNamesComparison,
    PairBatch,
    SexComparison,
    SurnameComparison,
    pair_scores,
)
from matching.table import Vocab, build_table


def first_names_level(a: str, b: str) -> str:
    # only the vendored list of usual first names counts as "known" in so small a table
    comparison = FirstNamesComparison(known_frequency=0.5)
    table = build_table([Record("x", "1", first_names=a), Record("y", "2", first_names=b)])
    batch = PairBatch(table, table, np.array([0]), np.array([1]), 1)
    return comparison.level_names()[int(comparison.compare(batch).levels[0])]


@pytest.mark.parametrize("a, b", [("MONIQU", "MONIQUE CHRISTINE"), ("JEROME DOMINIQUE", "JEROM")])
def test_a_first_name_cut_short_is_a_typing_error_not_the_other_gender(a, b):
    assert first_names_level(a, b) == "fuzzy"


@pytest.mark.parametrize("a, b, level", [
    ("MARIE JEANNE", "SOIZIC JEANNNE", "other"),  # twins: a typo in the middle name tells nothing
    ("JEANNE MARIE", "MARIE JEANNNE", "fuzzy"),  # one person, names in another order, a typo
    ("MARIE JEANNE", "JEANNNE", "fuzzy"),  # the name she goes by, mistyped
])
def test_a_typo_in_a_later_first_name_counts_only_if_the_first_ones_relate(a, b, level):
    assert first_names_level(a, b) == level


@pytest.mark.parametrize("a, b, level", [
    ("J.-P.", "JEAN PIERRE", "initial"), ("JP", "JEAN-PIERRE", "initial"), ("J PIERRE", "JEAN PIERRE", "initial"),
    ("VC", "VERONIQUE CAPUCINE", "initial"), ("Aur.", "AURELIE", "initial"), ("Jean-P.", "JEAN PIERRE", "initial"),
    ("JEAN LUC", "JEAN PIERRE", "first"),
    ("J P", "JACQUES", "initial"),
    ("J P", "MARC PAUL", "other"),  # the first initial is not his
    ("J P", "JEAN MARC", "other"), ("JP", "JEAN MARC", "other"),  # the second initial is not his
    ("JEAN J", "JEAN PAUL", "first"), ("MARIE M", "MARIE CLAIRE", "first"),  # J is JEAN's: counted once
    ("MR", "MARC", "other"), ("JM.", "JEAN MARC", "initial"), ("Omar.", "OMAR", "exact"),
    ("JEAN PIERRE", "JACQUES PAUL", "other"),  # full names with the same initials are other names
    ("Luc.", "LUCY", "other"),  # a usual first name with a dot is that name, not an abbreviation
])
def test_abbreviated_first_names_are_their_initials(a, b, level):
    assert first_names_level(a, b) == level


@pytest.mark.parametrize("a, b, level", [
    ("ABDELKADIR", "ABDELKADER", "phonetic"), ("NORDINE", "NOURDINE", "phonetic"),
    ("HOCINE", "HOUCINE", "phonetic"), ("KHADIJA", "KADIJA", "phonetic"),
    ("ANNE", "ANNIE", "other"), ("LEA", "LEO", "other"),  # two names of the French list stay two names
    ("KARIM", "KARIMA", "other"),  # the masculine and the feminine
    # other names with the same consonants: too short, or their vowels differ in more than one place
    ("MAHMOUD", "MOHAMED", "other"), ("SAID", "SOUAD", "other"), ("ANIS", "ANAIS", "other"),
    ("MARIN", "MARION", "other"), ("CYRIL", "CAROL", "other"), ("LEILA", "LOLA", "other"),
    ("RENAN", "RONAN", "other"), ("MARCIE", "MAURICE", "other"), ("SALMA", "SELMA", "other"),
])
def test_an_arabic_first_name_written_with_other_vowels_is_one_name(a, b, level):
    assert first_names_level(a, b) == level


@pytest.mark.parametrize("a, b", [("JEAN", "JEANNE"), ("LOUIS", "LOUISE"), ("DANIEL", "DANIELLE")])
def test_masculine_and_feminine_first_names_are_different(a, b):
    assert first_names_level(a, b) == "other"


@pytest.mark.parametrize("written", ["HERGNIES (59)", "Hergnies (59)", "HERGNIES"])
def test_birth_place_with_its_departement_in_brackets(written):
    table = build_table([Record("x", "1", birth_place=written)])
    assert table.vocabs.place.values[table.birth_place[0]] == "59301"


@pytest.mark.parametrize("written, place", [
    ("NE A LYON", "69123"), ("Née à Hergnies", "59301"), ("59 HERGNIES", "59301"), ("HERGNIES 59", "59301"),
    ("SAINT DENIS 93", "93066"), ("NEE A SAINT-DENIS (93)", "93066"), ("MARSEILLE (13055)", "13055"),
    ("NE AU MAROC", "?MAROC"), ("MAROC (99350)", "?MAROC"), ("NÉ EN ALGÉRIE", "?ALGERIE"),
    ("NE AU HAVRE", "76351"), ("NEE AUX LILAS", "93045"),  # AU is À LE: the article is the name's
    ("ROUBAIX (59100)", "59512"), ("MARSEILLE (13001)", "13055"), ("LYON (69003)", "69123"),  # postal codes
])
def test_birth_places_as_the_sources_write_them(written, place):
    table = build_table([Record("x", "1", birth_place=written)])
    assert table.vocabs.place.values[table.birth_place[0]] == place


def test_a_commune_name_found_in_several_departements_is_told_by_the_bracket():
    table = build_table([Record("x", "1", birth_place="SAINT-DENIS (93)"), Record("x", "2", birth_place="SAINT-DENIS")])
    assert table.vocabs.place.values[table.birth_place[0]] == "93066"
    assert table.vocabs.place.values[table.birth_place[1]].startswith("?")  # dozens of SAINT-DENIS


def test_an_unknown_place_stays_unknown_whatever_its_bracket():
    table = build_table([Record("x", "1", birth_place="FOOVILLE (93)")])
    assert table.vocabs.place.values[table.birth_place[0]] == "?FOOVILLE 93"


def _sex_levels(pairs: list[tuple[Record, Record]], background: list[Record]) -> list[str]:
    comparison = SexComparison()
    records = background + [r for pair in pairs for r in pair]
    table = build_table(records)
    start = len(background)
    left = np.arange(start, len(records), 2)
    batch = PairBatch(table, table, left, left + 1, 1)
    return [comparison.level_names()[int(x)] for x in comparison.compare(batch).levels]


# records that state their sex: MARIE is a woman's first name here, RAYMOND a man's, CAMILLE both
SEXED = (
    [Record("bg", f"m{i}", first_names="MARIE CLAIRE", sex="F") for i in range(12)]
    + [Record("bg", f"r{i}", first_names="RAYMOND", sex="M") for i in range(12)]
    + [Record("bg", f"c{i}", first_names="CAMILLE", sex="MF"[i % 2]) for i in range(12)]
)


def test_a_first_name_tells_the_sex_a_record_does_not_state():
    husband = Record("impots", "H", first_names="RAYMOND MARIE", sex="M")
    levels = _sex_levels([
        (husband, Record("amendes", "W", first_names="MARIE")),  # his wife, sex not given
        (husband, Record("amendes", "R", first_names="RAYMOND")),  # himself
        (Record("impots", "C", first_names="CAMILLE", sex="M"), Record("amendes", "C2", first_names="CAMILLE")),
        (Record("impots", "S", first_names="SOPHIE", sex="F"), Record("amendes", "S2", first_names="SOPHIE", sex="M")),
    ], SEXED)
    assert levels == ["name_other", "null", "null", "other"]


def test_too_few_records_tell_no_sex():
    levels = _sex_levels([(Record("impots", "H", first_names="RAYMOND", sex="M"),
                           Record("amendes", "W", first_names="MARIE"))], SEXED[:5])
    assert levels == ["null"]


@pytest.mark.parametrize("written", ["75115", "PARIS 15E ARRONDISSEMENT", "Paris", "75056"])
def test_a_birth_place_given_as_insee_code_or_arrondissement_is_its_city(written):
    table = build_table([Record("x", "1", birth_place=written)])
    assert table.vocabs.place.values[table.birth_place[0]] == "75056"


def test_a_code_that_is_no_commune_stays_apart():
    table = build_table([Record("x", "1", birth_place="99134")])  # INSEE code of a country (Spain)
    assert table.vocabs.place.values[table.birth_place[0]] == "?99134"


@pytest.mark.parametrize("other, level", [
    ({"birth_name": "QUILICHINI", "usage_name": "PAOLI"}, "birth_differs"),  # her sister-in-law
    ({"last_name": "PAOLI NEE SANTONI"}, "exact"),
    ({"birth_name": "SANTONNI", "usage_name": "PAOLI"}, "exact"),  # a typo
    ({"last_name": "PAOLI NEE SANT"}, "exact"),  # cut by a narrow field
    ({"last_name": "PAOLI"}, "exact"),  # the other says no birth name
])
def test_one_usage_name_and_two_birth_names_are_two_women(other, level):
    table = build_table([Record("x", "1", birth_name="SANTONI", usage_name="PAOLI"), Record("y", "2", **other)])
    comparison = SurnameComparison()
    levels = comparison.compare(PairBatch(table, table, np.array([0]), np.array([1]), 1)).levels
    assert comparison.level_names()[int(levels[0])] == level


@pytest.mark.parametrize("scorer, cutoff", [
    (JaroWinkler.normalized_similarity, 0.8), (DamerauLevenshtein.distance, 2), (fuzz.ratio, 92.0),
])
def test_scores_of_frequent_pairs_kept_once_are_the_scores_computed_pair_by_pair(scorer, cutoff):
    vocab = Vocab()
    words = ["JEAN", "JEANNE", "MARIE", "MAIRE", "NICOLAS", "NICLOAS", "ANNE", "ANNIE", "LEA", "LEO"]
    codes = np.array([vocab.add(w) for w in words])
    rng = np.random.default_rng(0)
    a, b = rng.choice(codes, 120_000), rng.choice(codes, 120_000)  # large enough to keep them
    kept = pair_scores(vocab, a, b, scorer, score_cutoff=cutoff)
    assert vocab.memo[(scorer, cutoff)] is not None
    rare = np.array([vocab.add("JEANNOT"), vocab.add("JEANOT")])  # new words after the matrix was made
    a, b = np.concatenate([a[:1000], rare]), np.concatenate([b[:1000], rare[::-1]])
    expected = process.cpdist(vocab.strings(a), vocab.strings(b), scorer=scorer, score_cutoff=cutoff)
    np.testing.assert_allclose(pair_scores(vocab, a, b, scorer, score_cutoff=cutoff), expected, rtol=1e-6)
    np.testing.assert_allclose(kept[:1000], expected[:1000], rtol=1e-6)


@pytest.mark.parametrize("comparison", [FirstNamesComparison(), SurnameComparison(), BirthDateComparison()],
                         ids=lambda c: c.name)
def test_levels_are_the_same_in_one_large_batch_as_in_small_ones(comparison):
    # a large batch keeps what it works out per value (frequent first-name words, valid dates)
    # and looks only at surnames spelt as first names for names typed in each other's field
    first_names = ["JEAN", "JEANNE", "MARIE", "MAIRE", "NICOLAS", "NICLOAS", "ANNE", "ANNIE", "LOUIS", "LOUISE",
                   "JEAN PIERRE", "JEANPIERRE", "PIERRE JEAN", "MARIE JEANNE", "SOIZIC JEANNNE", "J", "M", "MONIQU",
                   "MONIQUE CHRISTINE", "THOMAS", "THOMAZ", "TOMAS", "PHILIPPE", "FILIPE", "CATHERINE", "MARTIN"]
    surnames = ["MARTIN", "MARTIM", "THOMAS", "DE LA ROCHE", "LAROCHE", "JEAN", "DUPONT", "DUPOND", "PIERRE"]
    dates = ["12/03/1961", "03/12/1961", "12/03/1967", "00/00/1961", "31/02/1961", "01/01/1961", None]
    records = [Record("s", str(i), first_names=first_names[i % 26] if i < 520 else first_names[i % 7].lower(),
                      last_name=surnames[i % 9], birth_date=dates[i % 7]) for i in range(540)]
    li, ri = np.triu_indices(len(records), 1)  # 145,530 pairs
    large = build_table(records)
    in_one = comparison.compare(PairBatch(large, large, li, ri, 1)).levels
    small = build_table(records)
    in_small = np.concatenate([
        comparison.compare(PairBatch(small, small, li[k:k + 5000], ri[k:k + 5000], 1)).levels
        for k in range(0, len(li), 5000)
    ])
    np.testing.assert_array_equal(in_one, in_small)
    assert len(set(in_one.tolist())) >= 3  # the values above reach several levels
    if comparison.name != "birth_date":  # JEAN MARTIN / MARTIN JEAN: names typed in each other's field
        swapped = np.nonzero((li == 0) & (ri == 77))[0][0]
        assert comparison.level_names()[in_one[swapped]] == "exact"


def surname_level(a: str, b: str) -> str:
    comparison = SurnameComparison()
    table = build_table([Record("x", "1", last_name=a), Record("y", "2", last_name=b)])
    batch = PairBatch(table, table, np.array([0]), np.array([1]), 1)
    return comparison.level_names()[int(comparison.compare(batch).levels[0])]


@pytest.mark.parametrize("a, b, level", [
    ("RNOREAU", "MOREAU", "fuzzy"), ("LEFEVVRE", "LEFEWRE", "fuzzy"),  # a scan's RN for M, VV for W
    ("BERNARD", "BEMARD", "fuzzy"),
    ("BERNARD", "MOREAU", "other"),
])
def test_a_surname_misread_by_a_scan_is_close(a, b, level):
    assert surname_level(a, b) == level
