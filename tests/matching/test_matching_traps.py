"""The known traps stay apart and the known matches are found, inside a realistic population."""

from __future__ import annotations

import pytest

from matching import MatchSettings, Record, cluster_metrics, link

from matching_fixtures import population

AUX = dict(street_number="5", street="RUE DES ECOLES", postcode="89000", city="AUXERRE")
NICE = dict(street_number="12 BIS", street="BD VICTOR HUGO", postcode="06000", city="NICE")

TRAPS = [
    # twins: same surname, birth date and address, other first name
    Record("impots", "TW1", first_names="PAUL", birth_name="KERGUELEN", sex="M", birth_date="12/03/1990", **AUX),
    Record("impots", "TW2", first_names="PIERRE", birth_name="KERGUELEN", sex="M", birth_date="12/03/1990", **AUX),
    Record("amendes", "TW1A", first_names="PAUL", last_name="KERGUELEN", address="5 R DES ECOLES",
           postcode="89000", city="AUXERRE"),
    # father and son, both JEAN VAUTRIN, one address
    Record("impots", "FA", first_names="JEAN", birth_name="VAUTRIN", sex="M", birth_date="03/05/1955", **NICE),
    Record("impots", "SO", first_names="JEAN", birth_name="VAUTRIN", sex="M", birth_date="17/09/1985", **NICE),
    Record("helios", "FAH", first_names="JEAN", last_name="VAUTRIN", birth_date="03051955",
           street="12B BOULEVARD VICTOR HUGO", postcode="06000", city="NICE"),
    # spouses sharing a usage name and an address
    Record("impots", "HU", first_names="LUC", birth_name="BRAMARD", sex="M", birth_date="01/02/1970",
           street_number="8", street="CHEMIN DES VIGNES", postcode="58000", city="NEVERS"),
    Record("impots", "WI", first_names="ODILE", birth_name="FERRAND", usage_name="BRAMARD", sex="F",
           birth_date="09/10/1972", street_number="8", street="CHEMIN DES VIGNES", postcode="58000", city="NEVERS"),
    Record("amendes", "WIA", first_names="ODILE", last_name="BRAMARD", address="8 CHE DES VIGNES",
           postcode="58000", city="NEVERS"),
    # namesakes in two towns
    Record("impots", "NA1", first_names="ALAIN", birth_name="TESSIER", sex="M", birth_date="04/04/1961", **NICE),
    Record("impots", "NA2", first_names="ALAIN", birth_name="TESSIER", sex="M", birth_date="21/12/1978",
           street_number="3", street="RUE PASTEUR", postcode="89100", city="SENS"),
    # a married woman: birth name in impôts (+ usage name), "X NEE Y" in Hélios, usage name in amendes
    Record("impots", "MW", first_names="SOLANGE MARIE", birth_name="POMMIER", usage_name="LAGARDE", sex="F",
           birth_date="14/02/1968", street_number="40", street="AVENUE JEAN JAURES", postcode="43000",
           city="LE PUY-EN-VELAY"),
    Record("helios", "MWH", first_names="Solange", last_name="Mme LAGARDE née POMMIER",
           street="40 AV JEAN-JAURES", postcode="43000", city="LE PUY EN VELAY"),
    Record("amendes", "MWA", first_names="SOLANGE", last_name="LAGARDE", birth_date="1968-02-14",
           address="40 AVENUE JEAN JAURES", postcode="43000", city="PUY EN VELAY"),
    # a person who moved (amendes holds the old address, in another département)
    Record("impots", "MV", first_names="REMI", birth_name="CASTAGNET", sex="M", birth_date="22/11/1980",
           street_number="7", street="IMPASSE DES LILAS", postcode="06400", city="CANNES"),
    Record("amendes", "MVA", first_names="REMI", last_name="CASTAGNET", birth_date="22/11/1980",
           address="3 RUE DU MOULIN", postcode="89300", city="JOIGNY"),
    # a record without birth date
    Record("impots", "ND", first_names="GINETTE", birth_name="LHERMITTE", sex="F", birth_date="30/06/1949",
           street_number="2", street="PLACE DE L'EGLISE", postcode="58200", city="COSNE-COURS-SUR-LOIRE"),
    Record("helios", "NDH", first_names="GINETTE", last_name="LHERMITTE", street="2 PL DE L EGLISE",
           postcode="58200", city="COSNE COURS SUR LOIRE"),
    # surname and first name typed in each other's field
    Record("impots", "INV", first_names="MATHURIN", birth_name="ROUQUETTE", sex="M", birth_date="08/08/1958",
           street_number="6", street="RUE DU MOULIN", postcode="43100", city="BRIOUDE"),
    Record("helios", "INVH", first_names="ROUQUETTE", last_name="MATHURIN", birth_date="08081958",
           street="6 R DU MOULIN", postcode="43100", city="BRIOUDE"),
    # the same, with one first name of several in the other's name field
    Record("impots", "INW", first_names="DENIS LUCIEN", birth_name="JACQUEMIN", sex="M", birth_date="19/01/1962",
           street_number="11", street="RUE DE BREST", postcode="29000", city="QUIMPER"),
    Record("helios", "INWH", first_names="JACQUEMIN", last_name="DENIS",
           street="11 R DE BREST", postcode="29000", city="QUIMPER"),
    # two sisters-in-law in the family house, one usage name and one first name, each with her
    # own birth name
    Record("impots", "SL1", first_names="MARIE CLAIRE", birth_name="QUILICHINI", usage_name="PAOLI", sex="F",
           birth_date="18/05/1972", street_number="8", street="RUE DES GOELANDS", postcode="20290",
           city="LUCCIANA"),
    Record("helios", "SL2", first_names="MARIE-CLAIRE", last_name="SANTONI EP PAOLI",
           street="8 RUE DES GOELANDS", postcode="20290", city="LUCCIANA"),
    Record("amendes", "SL1A", first_names="MARIE CLAIRE", last_name="PAOLI", birth_date="18/05/1972",
           address="8 R DES GOELANDS", postcode="20290", city="LUCCIANA"),
    # a wife known by her birth name only in impôts and by her husband's name in amendes: the
    # husband's own record at the same address shows where the name comes from
    Record("impots", "HH", first_names="GASTON", birth_name="VILLEFRANQUE", sex="M", birth_date="02/02/1961",
           street_number="14", street="LOTISSEMENT DES TILLEULS", postcode="89100", city="SENS"),
    Record("impots", "HW", first_names="JOSIANE MARIE", birth_name="CAZENAVE", sex="F", birth_date="05/07/1963",
           street_number="14", street="LOTISSEMENT DES TILLEULS", postcode="89100", city="SENS"),
    Record("amendes", "HWA", first_names="JOSIANE", last_name="VILLEFRANQUE", sex="F",
           address="14 LOTISST TILLEULS", postcode="89100", city="SENS"),
    # the same without the husband's record: nothing ties the two names, no link
    Record("impots", "LW", first_names="ROSELYNE", birth_name="ESCANDE", sex="F", birth_date="11/11/1966",
           street_number="9", street="RUE DES GRANGES", postcode="58000", city="NEVERS"),
    Record("amendes", "LWA", first_names="ROSELYNE", last_name="TARDIVEL", sex="F",
           address="9 R DES GRANGES", postcode="58000", city="NEVERS"),
    # twin sisters sharing a middle name
    Record("impots", "TS1", first_names="SARAH MARIE", birth_name="LAPEYRE", sex="F", birth_date="27/06/1996",
           street_number="2", street="ALLEE DES CHENES", postcode="06600", city="ANTIBES"),
    Record("impots", "TS2", first_names="LISA MARIE", birth_name="LAPEYRE", sex="F", birth_date="27/06/1996",
           street_number="2", street="ALLEE DES CHENES", postcode="06600", city="ANTIBES"),
    # a street type mistyped and a lieu-dit written two ways
    Record("impots", "ST", first_names="FIRMIN", birth_name="ARNOUX", sex="M", birth_date="15/01/1971",
           street="LIEU-DIT LES GRANDS CHAMPS", postcode="43100", city="BRIOUDE"),
    Record("helios", "STH", first_names="FIRMIN", last_name="ARNOUX", street="GRANDS CHAMPS",
           postcode="43100", city="BRIOUDE"),
    # a daughter whose middle name is her mother's first name; the mother known by her birth name
    # in Hélios, her husband's name (the daughter's) in impôts
    Record("impots", "DM", first_names="NADINE", birth_name="BOURGARD", usage_name="VERDENS", sex="F",
           birth_date="03/03/1969", street_number="7", street="RUE DU STADE", postcode="89000", city="AUXERRE"),
    Record("impots", "DD", first_names="LAURA NADINE", birth_name="VERDENS", sex="F", birth_date="12/12/1999",
           street_number="7", street="RUE DU STADE", postcode="89000", city="AUXERRE"),
    Record("helios", "DMH", first_names="NADINE", last_name="BOURGARD",
           street="7 R DU STADE", postcode="89000", city="AUXERRE"),
    # a son LUCAS THOMAS and his father SEBASTIEN LUCAS at one address: an undated amendes record
    # "LUCAS" (amendes keep the first first name) is the son's
    Record("impots", "LS", first_names="LUCAS THOMAS", birth_name="MALAVAL", sex="M", birth_date="17/12/2002",
           street_number="52", street="QUAI DE LA FONTAINE", postcode="43000", city="LE PUY-EN-VELAY"),
    Record("impots", "LF", first_names="SEBASTIEN LUCAS PATRICK", birth_name="MALAVAL", sex="M",
           birth_date="15/11/1975", street_number="52", street="QUAI DE LA FONTAINE", postcode="43000",
           city="LE PUY-EN-VELAY"),
    Record("amendes", "LSA", first_names="LUCAS", last_name="MALAVAL", sex="M",
           address="52 QUAI DE LA FONTAINE", postcode="43000", city="LE PUY EN VELAY"),
]


@pytest.fixture(scope="module")
def linked():
    background, truth = population(400, seed=11)
    return link(background + TRAPS, MatchSettings()), truth


def key(source: str, rid: str) -> tuple[str, str]:
    return (source, rid)


def together(result, a, b) -> bool:
    return result.clusters[a] == result.clusters[b]


def test_twins_stay_apart(linked):
    result, _ = linked
    assert not together(result, key("impots", "TW1"), key("impots", "TW2"))
    assert together(result, key("impots", "TW1"), key("amendes", "TW1A"))  # the right twin
    assert not together(result, key("impots", "TW2"), key("amendes", "TW1A"))


def test_father_and_son_stay_apart(linked):
    result, _ = linked
    assert not together(result, key("impots", "FA"), key("impots", "SO"))
    assert together(result, key("impots", "FA"), key("helios", "FAH"))


def test_spouses_stay_apart(linked):
    result, _ = linked
    assert not together(result, key("impots", "HU"), key("impots", "WI"))
    assert together(result, key("impots", "WI"), key("amendes", "WIA"))
    assert not together(result, key("impots", "HU"), key("amendes", "WIA"))


def test_namesakes_stay_apart(linked):
    result, _ = linked
    assert not together(result, key("impots", "NA1"), key("impots", "NA2"))


def test_married_woman_found_in_three_sources(linked):
    result, _ = linked
    assert together(result, key("impots", "MW"), key("helios", "MWH"))
    assert together(result, key("impots", "MW"), key("amendes", "MWA"))


def test_person_who_moved_is_found(linked):
    result, _ = linked
    assert together(result, key("impots", "MV"), key("amendes", "MVA"))


def test_record_without_birth_date_is_found(linked):
    result, _ = linked
    assert together(result, key("impots", "ND"), key("helios", "NDH"))


def test_sisters_in_law_stay_apart(linked):
    result, _ = linked
    assert not together(result, key("impots", "SL1"), key("helios", "SL2"))
    assert together(result, key("impots", "SL1"), key("amendes", "SL1A"))


def test_names_typed_in_each_other_field_are_found(linked):
    result, _ = linked
    assert together(result, key("impots", "INV"), key("helios", "INVH"))
    assert together(result, key("impots", "INW"), key("helios", "INWH"))  # one first name of two


def test_wife_under_her_husbands_name_found_through_the_household(linked):
    result, _ = linked
    assert together(result, key("impots", "HW"), key("amendes", "HWA"))
    assert not together(result, key("impots", "HH"), key("amendes", "HWA"))
    assert not together(result, key("impots", "LW"), key("amendes", "LWA"))
    explanation = result.explain(key("impots", "HW"), key("amendes", "HWA"))
    surname = next(f for f in explanation["fields"] if f["comparison"] == "surname")
    assert surname["level"] == "household"


def test_a_first_name_given_alone_is_rather_the_first_first_name(linked):
    result, _ = linked
    assert together(result, key("impots", "LS"), key("amendes", "LSA"))
    assert not together(result, key("impots", "LF"), key("amendes", "LSA"))
    levels = {who: next(f["level"] for f in result.explain(key("impots", who), key("amendes", "LSA"))["fields"]
                        if f["comparison"] == "first_names") for who in ("LS", "LF")}
    assert levels == {"LS": "subset", "LF": "subset_later"}


def test_a_daughter_named_after_her_mother_stays_apart(linked):
    result, _ = linked
    assert together(result, key("impots", "DM"), key("helios", "DMH"))
    assert not together(result, key("impots", "DD"), key("helios", "DMH"))
    explanation = result.explain(key("impots", "DD"), key("helios", "DMH"))
    surname = next(f for f in explanation["fields"] if f["comparison"] == "surname")
    assert surname["level"] == "other"


def test_twins_sharing_a_middle_name_stay_apart(linked):
    result, _ = linked
    assert not together(result, key("impots", "TS1"), key("impots", "TS2"))


def test_lieu_dit_and_street_type_variants_are_one_address(linked):
    result, _ = linked
    assert together(result, key("impots", "ST"), key("helios", "STH"))
    explanation = result.explain(key("impots", "ST"), key("helios", "STH"))
    address = next(f for f in explanation["fields"] if f["comparison"] == "address")
    assert address["level"] in ("exact", "street")


def test_background_population_quality(linked):
    result, truth = linked
    clusters = {k: v for k, v in result.clusters.items() if k in truth}
    m = cluster_metrics(clusters, truth)
    assert m.precision >= 0.97, m
    assert m.recall >= 0.9, m


def test_pairs_are_consistent_with_clusters(linked):
    result, _ = linked
    assert len(result.pairs) > 0
    for pair in result.pairs:
        assert result.clusters[pair.left] == result.clusters[pair.right]
        assert pair.probability >= result.model.settings.accept
    for pair in result.review_pairs:
        assert pair.status in ("review", "split")
