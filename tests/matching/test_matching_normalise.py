"""French normalisation: names, first names, birth dates, addresses, communes."""

from __future__ import annotations

from datetime import date

import pytest

from matching import Record
from matching.addresses import normalise_address, normalise_number, normalise_street, street_key
from matching.dates import is_complete, is_valid, parse_birth_date
from matching.names import first_names_key, parse_first_names, parse_sex, parse_surname, surname_key
from matching.reference import load_reference
from matching.table import build_table
from matching.text import fold


@pytest.mark.parametrize(
    "raw, folded",
    [("Lévêque", "LEVEQUE"), ("d'Artagnan", "D ARTAGNAN"), ("Jean-Pierre", "JEAN PIERRE"),
     ("  Œuvray  ", "OEUVRAY"), ("N’Diaye", "N DIAYE"), ("O'Neil", "O NEIL")],
)
def test_fold_case_accents_apostrophes_hyphens(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    "a, b",
    [("Le Gall", "LEGALL"), ("D'ARTAGNAN", "Dartagnan"), ("de la Fontaine", "DELAFONTAINE"),
     ("Martin-Dupont", "MARTIN DUPONT"), ("St-Martin", "SAINT MARTIN"), ("Fontaine (de la)", "DE LA FONTAINE"),
     # an umlaut folded or written out (Alsace, Moselle)
     ("Müller", "MUELLER"), ("MULLER", "Mueller"), ("Schäfer", "SCHAEFER"), ("Götz", "GOETZ"),
     ("KÖNIG", "Koenig")],
)
def test_compound_names_and_particles_share_a_key(a, b):
    pa, pb = parse_surname(a), parse_surname(b)
    assert surname_key(pa.unknown) == surname_key(pb.unknown)


@pytest.mark.parametrize("a, b", [("GUERIN", "GURIN"), ("JACQUET", "JACQUT"), ("MULLER", "MOLLER"), ("BOEUF", "BOUF")])
def test_a_french_ue_or_oe_is_not_read_as_an_umlaut(a, b):
    assert surname_key(a) != surname_key(b)


@pytest.mark.parametrize(
    "raw, birth, usage, sex",
    [("DUPONT NEE MARTIN", "MARTIN", "DUPONT", "F"),
     ("Mme Dupont née Martin", "MARTIN", "DUPONT", "F"),
     ("MARTIN EPOUSE DUPONT", "MARTIN", "DUPONT", "F"),
     ("MARTIN EP. DUPONT", "MARTIN", "DUPONT", "F"),
     ("VEUVE DUPONT", None, "DUPONT", "F"),
     ("Vve Dupont née Martin", "MARTIN", "DUPONT", "F"),
     ("NEE MARTIN", "MARTIN", None, "F")],
)
def test_birth_and_usage_names(raw, birth, usage, sex):
    p = parse_surname(raw)
    assert (p.birth, p.usage, p.sex) == (birth, usage, sex)
    assert p.unknown is None


@pytest.mark.parametrize("raw, sex", [("M DUPONT", "M"), ("MME DUPONT", "F"), ("Mlle Dupont", "F"),
                                      ("MONSIEUR DUPONT", "M"), ("MADAME DUPONT", "F")])
def test_civilities_are_removed_and_give_the_sex(raw, sex):
    p = parse_surname(raw)
    assert p.unknown == "DUPONT" and p.sex == sex


@pytest.mark.parametrize("raw, name", [("MART1N", "MARTIN"), ("R0BERT", "ROBERT"), ("DUB0IS", "DUBOIS"),
                                      ("LAM8ERT", "LAMBERT"), ("BLAN5", "BLANS"), ("6ERARD", "GERARD"),
                                      ("LORI2", "LORIZ"), ("MAR7IN", "MARTIN"), ("4NNE", "ANNE")])
def test_digits_misread_inside_a_name_are_letters(raw, name):
    assert parse_surname(raw).unknown == name
    assert parse_first_names(raw)[0] == name


def test_a_couple_as_one_record_keeps_the_name_and_no_sex():
    p = parse_surname("M ET MME DUPONT")
    assert (p.unknown, p.sex) == ("DUPONT", None)


def test_a_surname_made_of_a_civility_word_alone_is_kept():
    assert parse_surname("MME").unknown == "MME"


def test_several_first_names_in_any_order_and_composed_names():
    assert parse_first_names("Jean-Pierre")[0] == parse_first_names("JEAN PIERRE")[0] == "JEAN PIERRE"
    assert first_names_key("MARIE ANNE SOPHIE") == first_names_key("SOPHIE MARIE ANNE")
    assert parse_first_names("Mme Anne")[0] == "ANNE" and parse_first_names("Mme Anne")[1] == "F"


@pytest.mark.parametrize("raw, sex", [("M", "M"), ("F", "F"), ("1", "M"), ("2", "F"), ("Homme", "M"),
                                      ("féminin", "F"), ("Mademoiselle", "F"), ("M.", "M"), ("", None), ("X", None)])
def test_sex_codings(raw, sex):
    assert parse_sex(raw) == sex


@pytest.mark.parametrize(
    "raw, value",
    [("12/03/1965", 19650312), ("1965-03-12", 19650312), ("12031965", 19650312), ("19650312", 19650312),
     ("12-03-1965", 19650312), ("12.03.1965", 19650312), ("12/03/65", 19650312), ("12 mars 1965", 19650312),
     ("1er mars 1965", 19650301), ("1965-03-12T00:00:00", 19650312), (date(1965, 3, 12), 19650312),
     ("00/00/1960", 19600000), ("00/05/1960", 19600500), ("1960", 19600000), ("05/1960", 19600500),
     ("31/02/1975", 19750231), ("01/01/1900", 0), ("", 0), (None, 0), ("n/c", 0), ("45/45/1960", 0),
     ("03/25/1970", 19700325), ("17 JUILLET 1991", 19910717), ("8 octobre 1936", 19361008),
     ("8 DÉCEMBRE 1936", 19361208), ("1er août 2001", 20010801), ("12/03/1965 00:00", 19650312),
     ("1965-03-12T00:00:00.000Z", 19650312), ("12 03 65", 19650312),
     # Oracle's DD-MON-RR (English or French month), SAS's DATE9, a month name with a short year
     ("12-MAR-65", 19650312), ("13-APR-1981", 19810413), ("13-AVR.-81", 19810413), ("02-AUG-77", 19770802),
     ("12MAR1965", 19650312), ("13 avril 81", 19810413), ("13 MAY 1981", 19810513), ("13 XYZ 1981", 0),
     # spreadsheet damage: a time of day in AM/PM, a decimal, DDMMYYYY as a number (leading zero lost)
     ("13/04/1981 12:00:00 AM", 19810413), ("4/5/1981 12:00:00 AM", 19810405), ("19810413.0", 19810413),
     # seven digits: DDMMYYYY kept as a number, without its leading zero
     ("4121981", 19811204), ("1031981", 19810301), ("2121981", 19811202),
     # a spreadsheet's serial day number, unless it could be DMMYY without its leading zero
     ("29699", 19810423), ("23216", 19630724), ("27171", 19740522), ("10381", 0), ("00000", 0), ("01300", 0),
     # words before the date, a US month first, letters for digits (O, I, l)
     ("né le 13/04/1981", 19810413), ("Le 1er mai 1960", 19600501), ("April 13, 1981", 19810413),
     ("13/O4/1981", 19810413), ("l3/04/l981", 19810413), ("1OCT1981", 19811001), ("OCT", 0)],
)
def test_birth_dates_in_the_sources_formats(raw, value):
    assert parse_birth_date(raw) == value


def test_a_two_digit_year_is_of_this_century_up_to_ten_years_ago():
    this_year = date.today().year
    recent, older = (this_year - 5) % 100, (this_year - 15) % 100
    assert parse_birth_date(f"03/11/{recent:02d}") == (1900 + recent) * 10000 + 1103  # a centenarian
    assert parse_birth_date(f"03/11/{older:02d}") == (2000 + older) * 10000 + 1103


def test_partial_and_impossible_dates():
    assert not is_complete(19600000) and not is_complete(19600500)
    assert is_complete(19750231) and not is_valid(19750231)
    assert is_valid(19650312)
    assert parse_birth_date("1965|03|12", "%Y|%m|%d") == 19650312


@pytest.mark.parametrize(
    "raw, street",
    [("BD DE LA REPUBLIQUE", "BOULEVARD REPUBLIQUE"), ("Boulevard de la République", "BOULEVARD REPUBLIQUE"),
     ("AV JEAN JAURES", "AVENUE JEAN JAURES"), ("R DU MOULIN", "RUE MOULIN"), ("CHE DES VIGNES", "CHEMIN VIGNES"),
     ("IMP DES LILAS", "IMPASSE LILAS"), ("ALL DES TILLEULS", "ALLEE TILLEULS"), ("PL DE L'EGLISE", "PLACE EGLISE"),
     ("RTE DE PARIS", "ROUTE PARIS"), ("R DU GAL DE GAULLE", "RUE GENERAL GAULLE"),
     ("FBG ST MARTIN", "FAUBOURG SAINT MARTIN")],
)
def test_street_abbreviations(raw, street):
    assert normalise_street(raw) == street


@pytest.mark.parametrize(
    "a, b",
    [("LOTISSEMENT DES VIGNES", "LOTISST VIGNES"), ("LIEU-DIT LES VIGNES", "VIGNES"),
     ("RUE JACQUES REY", "RU JACQUES REY"),
     ("IMPASSE DU PAILLON", "IPM PAILLON"), ("AVENUE FOCH", "AV. FOCH"), ("LD LE BOURG", "LE BOURG")],
)
def test_street_key_ignores_the_street_type(a, b):
    assert street_key(normalise_street(a)) == street_key(normalise_street(b))


def test_street_key_keeps_names_and_lone_types():
    assert street_key(normalise_street("RUE SAINT MARTIN")) == "SAINT MARTIN"
    assert street_key(normalise_street("GRANDE RUE")) == "GRANDE RUE"
    assert street_key(normalise_street("JEAN JAURES")) == "JEAN JAURES"
    assert street_key(normalise_street("RUE DE PARIS")) != street_key(normalise_street("RUE DE LYON"))


@pytest.mark.parametrize(
    "raw, number", [("12 BIS", "12B"), ("12bis", "12B"), ("12 B", "12B"), ("12 TER", "12T"), ("3T", "3T"),
                    ("7 QUATER", "7Q"), ("007", "7"), ("12", "12")],
)
def test_numbers_with_bis_ter(raw, number):
    assert normalise_number(raw)[0] == number


def test_address_lines_number_and_complements():
    a = normalise_address(street="12 bis av. Jean Jaurès", lines=["BAT A APPT 3"], postcode="89000", city="Auxerre")
    b = normalise_address(number="12 BIS", street="AVENUE JEAN JAURES", postcode="89000", city="AUXERRE")
    assert (a.number, a.street, a.insee) == (b.number, b.street, b.insee) == ("12B", "AVENUE JEAN JAURES", "89024")
    c = normalise_address(street="chez M Dupont", lines=["3 ter r du Gal de Gaulle"], postcode="06000", city="Nice")
    assert (c.number, c.street) == ("3T", "RUE GENERAL GAULLE")


def test_postcode_and_commune_checked_and_repaired():
    # wrong postal code, right commune: repaired
    a = normalise_address(street="RUE PASTEUR", postcode="89999", city="AUXERRE")
    assert (a.postcode, a.insee) == ("89000", "89024")
    # leading zero lost by a spreadsheet
    assert normalise_address(postcode="6000", city="NICE").postcode == "06000"
    assert normalise_address(postcode="13001.0", city="MARSEILLE").postcode == "13001"
    assert normalise_address(postcode="6000.0", city="NICE").postcode == "06000"
    # misspelt commune within its postal code
    assert normalise_address(postcode="89000", city="AUXERE").insee == "89024"
    # SAINT/ST, hyphens, Cedex
    assert normalise_address(postcode="43000", city="LE PUY EN VELAY").insee == "43157"
    assert normalise_address(postcode="89000", city="AUXERRE CEDEX").insee == "89024"


def test_reference_keeps_its_original_behaviour_and_adds_fuzzy_repair():
    ref = load_reference()
    assert ref.find("AUXERRE", "89000").code_insee == "89024"
    assert ref.find("AUXERE", "89000") is None  # exact look-up only (89000 serves several communes)
    assert ref.find_fuzzy("AUXERE", "89000").code_insee == "89024"
    assert ref.find("AUXERE", None) is None
    assert ref.find_fuzzy("AUXERE", None).code_insee == "89024"
    assert ref.find_fuzzy("NEVRES", "58000").code_insee == "58194"
    assert ref.repair_postcode("AUXERRE", "89999") == "89000"


def test_table_combines_name_fields_and_sources():
    t = build_table([
        Record("h", "1", last_name="Mme DUPONT née MARTIN", first_names="Anne-Marie"),
        Record("i", "2", birth_name="MARTIN", usage_name="DUPONT", first_names="MARIE ANNE", sex="2"),
        Record("h", "3", last_name="DUPONT JEAN"),  # first name typed in the name field
    ])
    d1, d2, d3 = t.describe(0), t.describe(1), t.describe(2)
    assert (d1["nom_naissance"], d1["nom_usage"], d1["sexe"]) == ("MARTIN", "DUPONT", "F")
    assert (d2["nom_naissance"], d2["nom_usage"], d2["sexe"]) == ("MARTIN", "DUPONT", "F")
    assert t.first_names[0] == t.first_names[1]  # any order, composed or not
    assert (d3["nom"], d3["prenoms"]) == ("DUPONT", "JEAN")


@pytest.mark.parametrize("typed, names, first", [
    ("TRERGOL NEE PRONDET ISABELLE", ("PRONDET", "TRERGOL", None), "ISABELLE"),
    ("MME LEGRAND EP PRARCANT STEPHANIE", ("LEGRAND", "PRARCANT", None), "STEPHANIE"),
    ("M. FECHET YANNICK", (None, None, "FECHET"), "YANNICK"),
    ("BARTHELEMY NEE NOURDARD", ("NOURDARD", "BARTHELEMY", None), None),  # no first name in it
    ("DURAND NEE SOPHIE", ("SOPHIE", "DURAND", None), None),  # SOPHIE is her birth name here
    ("LE MARTIN", (None, None, "LE MARTIN"), None),
    ("DUPONT JEAN PIERRE", (None, None, "DUPONT"), "JEAN PIERRE"),
    ("JULIEN GERARD ALAIN", (None, None, "JULIEN"), "GERARD ALAIN"),  # one name word stays
    # mixed case: capitals mark the surname, in either order, whatever the first name
    ("Gilles THOMAS", (None, None, "THOMAS"), "GILLES"),
    ("THOMAS Gilles", (None, None, "THOMAS"), "GILLES"),
    ("Maëlwenn KERMARREC", (None, None, "KERMARREC"), "MAELWENN"),
    ("Mme Sophie DURAND née MARTIN", ("MARTIN", "DURAND", None), "SOPHIE"),
    ("Jean-Marc d'ALMEIDA", (None, None, "D ALMEIDA"), "JEAN MARC"),
    ("Jean de LA FONTAINE", (None, None, "DE LA FONTAINE"), "JEAN"),
    ("Le GALL", (None, None, "LE GALL"), None),  # a particle is no first name
])
def test_a_first_name_glued_to_the_name_field_is_read_when_the_first_name_is_missing(typed, names, first):
    d = build_table([Record("h", "1", last_name=typed)]).describe(0)
    assert (d["nom_naissance"], d["nom_usage"], d["nom"]) == names
    assert d["prenoms"] == first
    if typed.startswith("Mme"):
        assert d["sexe"] == "F"


def test_a_name_field_ending_with_a_first_name_is_kept_whole_beside_a_first_name():
    d = build_table([Record("h", "1", last_name="DUPONT JEAN", first_names="PAUL")]).describe(0)
    assert (d["nom"], d["prenoms"]) == ("DUPONT JEAN", "PAUL")


def test_first_names_of_the_population_are_split_off_too():
    # MARGARET and ADELAIDE are in no vendored list, but three records give them as first names
    given = [Record("a", str(i), first_names="MARGARET ADELAIDE", last_name="X") for i in range(3)]
    d = build_table([*given, Record("c", "1", last_name="LELEU MARGARET ADELAIDE")]).describe(3)
    assert (d["nom"], d["prenoms"]) == ("LELEU", "MARGARET ADELAIDE")
    alone = build_table([Record("c", "1", last_name="LELEU MARGARET ADELAIDE")]).describe(0)
    assert (alone["nom"], alone["prenoms"]) == ("LELEU MARGARET ADELAIDE", None)


@pytest.mark.parametrize("order, typed, name, first", [
    ("end", "HOFFMANN ERNSET", "HOFFMANN", "ERNSET"),  # a first name no list knows, at the source's end
    ("end", "DE SOUSA VERONYQUE", "DE SOUSA", "VERONYQUE"),
    ("end", "DURAND NEE MARTIN", None, None),  # nothing after the birth name
    ("start", "JEAN PAUL TANGUY", "TANGUY", "JEAN PAUL"),  # TANGUY is a first name too
    ("start", "ERNSET HOFFMANN", "HOFFMANN", "ERNSET"),
    ("start", "VERONIQUE DE SOUSA", "DE SOUSA", "VERONIQUE"),
])
def test_a_source_without_first_names_is_read_in_its_own_order(order, typed, name, first):
    """A source that never fills a first-name field writes "NOM Prénom" or "Prénom NOM": the
    order is learnt from its names whose first names are known at one end only."""
    firsts = ("MARIE", "PIERRE", "NICOLAS", "SOPHIE", "ALAIN")
    names = [f"{prefix}{suffix}" for prefix in ("KER", "LE BR", "SCHM", "MOR", "BERN") for suffix in "AEIOU"]
    source = [Record("amendes", str(i), last_name=f"{n} {f}" if order == "end" else f"{f} {n}")
              for i, (n, f) in enumerate(zip(names, firsts * 5, strict=True))]
    table = build_table([*source, Record("amendes", "x", last_name=typed)])
    assert table.vocabs.glued_orders == {"amendes": order}
    d = table.describe(len(source))
    assert (d["nom"], d["prenoms"]) == (name, first) if name else d["prenoms"] is None
    # a source that gives first names keeps the rule of known first names at the end
    alone = build_table([Record("helios", "1", last_name=typed), Record("helios", "2", last_name="X", first_names="Y")])
    assert alone.vocabs.glued_orders == {}


def test_a_field_longer_than_any_commune_name_is_not_searched_for_across_france(monkeypatch):
    import rapidfuzz.process

    def no_search(*args, **kwargs):
        raise AssertionError("recherche approchée lancée")

    monkeypatch.setattr(rapidfuzz.process, "cdist", no_search)
    assert load_reference().find_fuzzy("RUE " * 20_000, None) is None


@pytest.mark.parametrize("kwargs, postcode, insee, street", [
    # a spreadsheet's decimal inside the city field or the address line
    (dict(city="13890.0 MOURIES"), "13890", "13065", None),
    (dict(lines=["12 AV DU GENERAL LECLERC 13890.0 MOURIES"]), "13890", "13065", "AVENUE GENERAL LECLERC"),
    # the postal code alone in the city field
    (dict(city="62450"), "62450", None, None),
    # O and I misread among the digits of a postal code or a house number
    (dict(postcode="3329O", city="BLAYE"), "33390", "33058", None),
    (dict(lines=["2O BD MADELEINE VALETTE"], postcode="31000", city="TOULOUSE"), "31000", "31555",
     "BOULEVARD MADELEINE VALETTE"),
    # a CEDEX code is no postal code of the reference: the commune is found by name, its code repaired
    (dict(city="31933 VILLEMUR SUR TARN CEDEX 9"), "31340", "31584", None),
    # postal boxes after or before the street
    (dict(lines=["55 RUE NICOLE FERNANDES CS 53912"], city="TOULOUSE"), "31000", "31555", "RUE NICOLE FERNANDES"),
    (dict(lines=["55 RUE NICOLE FERNANDES B.P. 322"], city="TOULOUSE"), "31000", "31555", "RUE NICOLE FERNANDES"),
    (dict(lines=["BP 322 55 RUE NICOLE FERNANDES"], city="TOULOUSE"), "31000", "31555", "RUE NICOLE FERNANDES"),
    (dict(lines=["55 RUE NICOLE FERNANDES BP N 322"], city="TOULOUSE"), "31000", "31555", "RUE NICOLE FERNANDES"),
    (dict(lines=["55 RUE NICOLE FERNANDES BP 12B"], city="TOULOUSE"), "31000", "31555", "RUE NICOLE FERNANDES"),
    # a box's number before the commune is no postal code
    (dict(lines=["12 RUE LENEPVEU CS 70001 ANGERS CEDEX"], postcode="49000"), "49000", "49007", "RUE LENEPVEU"),
    # the commune's INSEE code in the city field
    (dict(city="75056"), None, "75056", None),
    # road names made of a letter and a number keep it
    (dict(lines=["12 ROCADE L2"], postcode="13001", city="MARSEILLE"), "13001", "13055", "ROCADE L2"),
])
def test_postal_forms(kwargs, postcode, insee, street):
    a = normalise_address(**kwargs)
    assert (a.postcode, a.insee, a.street) == (postcode, insee, street)
