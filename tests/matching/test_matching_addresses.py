"""Address lines and communes as record linkage reads them (found weak by a held-out audit)."""

from __future__ import annotations

import numpy as np
import pytest

from matching import Record
from matching.addresses import commune_name_key, normalise_commune, split_address, street_key
from matching.comparisons import AddressComparison, PairBatch
from matching.reference import load_reference
from matching.table import build_table


def parsed(*lines: str | None, number: str | None = None) -> tuple[str | None, str | None]:
    """(number, street key) as the matching table holds them."""
    num, street = split_address(list(lines), number)
    return num, street_key(street)


def address_level(a: Record, b: Record) -> str:
    table = build_table([a, b])
    comparison = AddressComparison()
    batch = PairBatch(table, table, np.array([0]), np.array([1]), 1)
    return comparison.level_names()[int(comparison.compare(batch).levels[0])]


# --- one-line addresses -------------------------------------------------------------------------


@pytest.mark.parametrize("line, expected", [
    ("42 R CARNOT APPT 34", ("42", "CARNOT")),
    ("42 R CARNOT APT 34", ("42", "CARNOT")),
    ("42 R CARNOT APPARTEMENT 34", ("42", "CARNOT")),
    ("157 RTE DE PARIS ESC 2 ETG 3", ("157", "PARIS")),
    ("157 RTE DE PARIS ESCALIER B ETAGE 3", ("157", "PARIS")),
    ("8 AV FOCH BAT C", ("8", "FOCH")),
    ("8 AV FOCH BATIMENT C LOGT 12", ("8", "FOCH")),
    ("8 AV FOCH LOGEMENT 5", ("8", "FOCH")),
    ("8 AV FOCH 3EME ETAGE PORTE GAUCHE", ("8", "FOCH")),
    ("8 AV FOCH CHAMBRE 12", ("8", "FOCH")),
    ("8 AV FOCH RESIDENCE LES PINS", ("8", "FOCH")),
    ("8 AV FOCH BAT 4 RESIDENCE DU PARC", ("8", "FOCH")),
    ("8 AV FOCH CHEZ MME MARTIN", ("8", "FOCH")),
])
def test_a_complement_after_the_street_is_cut(line, expected):
    assert parsed(line) == expected


@pytest.mark.parametrize("line, expected", [
    ("LOGEMENT 5 4 R PIERRE ET MARIE CURIE", ("4", "PIERRE MARIE CURIE")),
    ("APPT 34 15 R EMILE ZOLA", ("15", "EMILE ZOLA")),
    ("BAT A 12 RUE DU CHATEAU", ("12", "CHATEAU")),
    ("RES LES PINS 12 R DU CHATEAU", ("12", "CHATEAU")),
    ("CHEZ MME MARTIN 3 RUE DU CHATEAU", ("3", "CHATEAU")),
    ("APT 22 15A ROUTE DU CHATEAU", ("15A", "CHATEAU")),  # a letter glued to the number
    ("BAT A 10BIS RUE DU CHATEAU", ("10B", "CHATEAU")),
])
def test_a_complement_before_the_street_is_dropped(line, expected):
    assert parsed(line) == expected


def test_complement_lines_alone_are_still_skipped():
    for complement in ("BAT B APPT 12", "ESC 2 ETG 3", "CHEZ MME MARTIN", "IMMEUBLE LE FLORE", "LOGEMENT 5"):
        assert parsed(complement, "12 RUE DU CHATEAU") == ("12", "CHATEAU")
        assert parsed("12 RUE DU CHATEAU", complement) == ("12", "CHATEAU")
    # a residence line is the street when there is no other (helios: NUM 2, VOIE RESIDENCE ...)
    assert parsed("RESIDENCE LES PEUPLIERS", number="2") == ("2", "PEUPLIERS")
    assert parsed("RESIDENCE DU PARC BAT 4") == (None, "PARC")


@pytest.mark.parametrize("line, key", [
    ("12 RUE DE LA TOUR", "TOUR"),
    ("12 RUE DE LA TOUR A PLOMB", "TOUR PLOMB"),
    ("12 AV DE LA PORTE D'ITALIE", "PORTE ITALIE"),
    ("12 RUE DE LA CHAMBRE D'AGRICULTURE", "CHAMBRE AGRICULTURE"),
    ("12 RUE DU BATIMENT", "BATIMENT"),
    ("12 RUE DE LA RESIDENCE", "RESIDENCE"),
    ("ROUTE DE CHEZ PIET", "CHEZ PIET"),
])
def test_street_names_made_of_complement_words_are_kept(line, key):
    assert parsed(line)[1] == key


@pytest.mark.parametrize("line", ["12-14 R DE LA PAIX", "12/14 R DE LA PAIX", "12 A 14 R DE LA PAIX",
                                  "12 AU 14 RUE DE LA PAIX", "12 ET 14 RUE DE LA PAIX"])
def test_a_number_range_keeps_its_first_number(line):
    assert parsed(line) == ("12", "PAIX")


def test_numbers_that_are_not_a_range_are_kept():
    assert parsed("3 8 MAI 1945") == ("3", "8 MAI 1945")
    assert parsed("12 14 JUILLET") == ("12", "14 JUILLET")
    assert parsed("12 A RUE DE LA PAIX") == ("12A", "PAIX")  # 12 A is a repeat number, not a range


def test_mistyped_particles_are_dropped_but_short_street_words_are_not():
    assert parsed("5 AVENUE DDE LA MER") == parsed("5 AVENUE DE LA MER") == ("5", "MER")
    assert parsed("5 IMP UD STADE") == parsed("5 IMP DSE STADE") == ("5", "STADE")
    # one edit from a particle, yet words of street names
    assert parsed("5 RUE DU LAC")[1] == "LAC"
    assert parsed("5 RUE DES LYS")[1] == "LYS"
    assert parsed("5 CHEMIN DU SEL")[1] == "SEL"
    assert parsed("5 RUE DU DR ROUX")[1] == "DOCTEUR ROUX"


# --- communes --------------------------------------------------------------------------------


@pytest.mark.parametrize("postcode, city, insee", [
    ("13004", "MARSEILLE 4E ARRONDISSEMENT", "13055"),
    ("13004", "MARSEILLE", "13055"),
    ("13004", None, "13055"),
    (None, "MARSEILLE 4E", "13055"),
    ("69003", "LYON 3EME", "69123"),
    ("69003", "LYON", "69123"),
    ("75016", "PARIS 16 ARR", "75056"),
    ("75116", "PARIS", "75056"),
])
def test_arrondissements_are_their_commune_for_matching(postcode, city, insee):
    pc, code, _ = normalise_commune(postcode, city)
    assert code == insee
    assert postcode is None or pc == postcode  # the postal code still tells the arrondissement


def test_the_application_keeps_exact_arrondissement_codes():
    ref = load_reference()
    assert ref.find("MARSEILLE 4E ARRONDISSEMENT", "13004").code_insee == "13204"
    assert ref.find(None, "13004").code_insee == "13204"
    assert ref.municipality("13204") == "13055" and ref.municipality("69381") == "69123"
    assert ref.municipality("75120") == "75056" and ref.municipality("89024") == "89024"


def test_one_address_with_or_without_its_arrondissement_is_identical():
    forms = [dict(postcode="13013", city="MARSEILLE 13E ARRONDISSEMENT"), dict(postcode="13013"),
             dict(postcode="13013", city="MARSEILLE"), dict(city="MARSEILLE 13E")]
    records = [Record("s", str(i), last_name="X", street_number="1", street="RUE JEAN JAURES", **form)
               for i, form in enumerate(forms)]
    for a in records[1:]:
        assert address_level(records[0], a) == "exact"


def test_a_commune_listed_twice_under_one_code_resolves_by_its_name():
    ref = load_reference()
    assert all(len(set(codes)) == len(codes) for codes in ref.by_name.values())
    for name, code in (("Annecy", "74010"), ("VOUZIERS", "08490"), ("SAINT-DENIS", None)):
        found = ref.find(name, None)
        assert (found.code_insee if found else None) == code
    assert normalise_commune(None, "Annecy")[:2] == ("74000", "74010")


def test_the_name_wins_over_another_communes_postcode_of_its_departement():
    # 93400 is Saint-Ouen's postal code; SAINT-DENIS is a commune of the 93
    assert load_reference().find("SAINT-DENIS", "93400").code_insee == "93066"
    assert normalise_commune("93400", "SAINT-DENIS")[:2] == ("93200", "93066")
    # a name that is no commune of the postal code's département leaves the postal code decide
    assert normalise_commune("93400", "ST OUEN")[1] == "93070"


def test_current_names_and_ligatures():
    ref = load_reference()
    # a commune nouvelle's code stands for the commune, not for its commune déléguée of the same
    # code (NEUILLY-LES-DIJON, listed after it)
    commune = ref.commune("21452")
    assert (commune.nom, commune.type, commune.postcodes) == ("Neuilly-Crimolois", "COM", ("21800",))
    assert ref.municipality("21452") == "21452"
    assert ref.find_fuzzy("NEUILLY CRIOLOIS", "21800").code_insee == "21452"
    assert normalise_commune("21800", "NEUILLY-CRIMOLOIS")[:2] == ("21800", "21452")
    assert normalise_commune("59172", "RŒULX")[1] == normalise_commune("59172", "ROEULX")[1] == "59504"


def test_a_name_without_postcode_names_its_largest_namesake_for_matching():
    ref = load_reference()
    assert ref.find("VITROLLES", None) is None  # the application does not guess
    assert ref.likeliest("VITROLLES").code_insee == "13117"
    assert normalise_commune(None, "VITROLLES")[1] == normalise_commune("13127", "Vitrolles")[1] == "13117"
    # namesakes of similar size stay unresolved...
    assert normalise_commune(None, "SAINT DENIS")[1] is None
    # ...with a key equal to the code's name, for a comparison to use
    assert commune_name_key("?SAINT DENIS") == commune_name_key("93066") != commune_name_key("93070")


def test_the_same_address_without_postcode_is_identical():
    a = Record("amendes", "1", last_name="X", address="5 RUE PAUL BERT", city="VITROLLES")
    b = Record("helios", "2", last_name="X", street_number="5", street="RUE PAUL BERT", postcode="13127",
               city="Vitrolles")
    assert address_level(a, b) == "exact"


# --- the postal code and commune written in the address lines ----------------------------------


@pytest.mark.parametrize("fields", [
    dict(address="12 RUE DE LA PAIX 75002 PARIS"),
    dict(address=("75002 Paris", "12 rue de la Paix")),
    dict(address=("12 R. DE LA PAIX", "75002 PARIS CEDEX 02")),
    dict(street="12 RUE DE LA PAIX", city="75002 PARIS"),
    dict(street_number="12", street="RUE DE LA PAIX", postcode="75002", city="PARIS 2E ARRONDISSEMENT"),
    dict(address="12 RUE DE LA PAIX PARIS 2E ARRONDISSEMENT"),
    dict(address=("12 RUE DE LA PAIX", "PARIS 2EME")),
    dict(address="Bat A 12 rue de la Paix 75002 Paris"),
])
def test_postcode_and_commune_are_read_from_wherever_the_source_wrote_them(fields):
    d = build_table([Record("s", "1", **fields)]).describe(0)
    assert (d["numero"], d["voie"], d["commune"]) == ("12", "PAIX", "75056")


def test_a_complement_and_a_number_that_look_like_a_postcode_are_no_postcode():
    d = build_table([Record("s", "1", address="LOGEMENT 14 239 RUE CARNOT 09460 CARCANIERES")]).describe(0)
    assert (d["numero"], d["voie"], d["code_postal"], d["commune"]) == ("239", "CARNOT", "09460", "09078")


@pytest.mark.parametrize("line, street, commune", [
    ("151 R JULES FERRY PLOUENAN", "JULES FERRY", "29184"),
    ("9 BD SAINT NICOLAS Quimper", "SAINT NICOLAS", "29232"),
    ("4 RUE DU PORT LE RELECQ KERHUON", "PORT", "29235"),
    ("12 RUE PAUL BERT", "PAUL BERT", None),  # BERT is a commune of the Allier, and PAUL a first name
    ("12 AVENUE DE BREST", "BREST", None),  # a street named after a town
    ("12 RUE SAINT MARTIN", "SAINT MARTIN", None),
    ("4 RUE DU PORT MARSEILLE", "PORT MARSEILLE", None),  # no record lives in the Bouches-du-Rhône
])
def test_a_commune_at_the_end_of_a_line_without_postcode_is_read_where_the_records_live(line, street, commune):
    living = [Record("s", str(i), address=f"{i} RUE DE LA GARE", postcode="29200", city="BREST") for i in range(10)]
    d = build_table([*living, Record("t", "1", address=line)]).describe(len(living))
    assert (d["voie"], d["commune"]) == (street, commune)


def test_the_daily_flow_reads_a_trailing_commune_where_the_batch_records_live():
    living = [Record("s", str(i), address=f"{i} RUE DE LA GARE", postcode="29200", city="BREST") for i in range(10)]
    batch = build_table(living)
    one = build_table([Record("t", "1", address="151 R JULES FERRY PLOUENAN")], vocabs=batch.vocabs).describe(0)
    assert (one["voie"], one["commune"]) == ("JULES FERRY", "29184")


def test_a_five_digit_house_number_is_no_postcode():
    d = build_table([Record("s", "1", address="12345 RUE DE LA PAIX")]).describe(0)
    assert (d["numero"], d["code_postal"], d["commune"]) == ("12345", None, None)


def test_the_postcode_field_wins_over_the_lines():
    d = build_table([Record("s", "1", address="3 AV FOCH 06 400 CANNES", postcode="06000", city="NICE")]).describe(0)
    assert (d["voie"], d["code_postal"], d["commune"]) == ("FOCH", "06000", "06088")
