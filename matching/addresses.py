"""Postal addresses: street numbers with BIS/TER, street types and usual abbreviations, postal code
and commune checked and repaired against the communes reference."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein

from .reference import Commune, CommuneReference, fold_commune_name, load_reference
from .text import fold, numbers_read, without_decimal_zero, without_decimal_zero_codes

#: abbreviation → full word, for the street type (first word) and the usual title words
STREET_TYPES: dict[str, str] = {
    "R": "RUE", "RUE": "RUE", "AV": "AVENUE", "AVE": "AVENUE", "AVEN": "AVENUE", "AVENUE": "AVENUE",
    "BD": "BOULEVARD", "BLD": "BOULEVARD", "BLVD": "BOULEVARD", "BVD": "BOULEVARD",
    "BOUL": "BOULEVARD", "BOULEVARD": "BOULEVARD", "CHE": "CHEMIN", "CHEM": "CHEMIN",
    "CH": "CHEMIN", "CHEMIN": "CHEMIN", "IMP": "IMPASSE", "IMPASSE": "IMPASSE", "ALL": "ALLEE",
    "AL": "ALLEE", "ALLEE": "ALLEE", "ALLEES": "ALLEE", "PL": "PLACE", "PLACE": "PLACE",
    "RTE": "ROUTE", "RT": "ROUTE", "ROUTE": "ROUTE", "CRS": "COURS", "COURS": "COURS",
    "QU": "QUAI", "QAI": "QUAI", "QUAI": "QUAI", "SQ": "SQUARE", "SQUARE": "SQUARE",
    "FG": "FAUBOURG", "FBG": "FAUBOURG", "FAUBOURG": "FAUBOURG", "PASS": "PASSAGE",
    "PAS": "PASSAGE", "PASSAGE": "PASSAGE", "PROM": "PROMENADE", "PROMENADE": "PROMENADE",
    "ESP": "ESPLANADE", "ESPLANADE": "ESPLANADE", "LOT": "LOTISSEMENT",
    "LOTISSEMENT": "LOTISSEMENT", "RES": "RESIDENCE", "RESID": "RESIDENCE",
    "RESIDENCE": "RESIDENCE", "CITE": "CITE", "CTE": "CITE", "HAM": "HAMEAU", "HAMEAU": "HAMEAU",
    "LD": "LIEU DIT", "LIEUDIT": "LIEU DIT", "MTE": "MONTEE", "MONTEE": "MONTEE",
    "RPT": "ROND POINT", "SENT": "SENTIER", "SENTIER": "SENTIER", "TRAV": "TRAVERSE",
    "TRAVERSE": "TRAVERSE", "VLA": "VILLA", "VILLA": "VILLA", "CHS": "CHAUSSEE",
    "CHAUSSEE": "CHAUSSEE", "LOTISST": "LOTISSEMENT", "LOTIS": "LOTISSEMENT", "PARV": "PARVIS",
    "PARVIS": "PARVIS", "VOIE": "VOIE", "VC": "VOIE",
    "DOM": "DOMAINE", "DOMAINE": "DOMAINE", "QUA": "QUARTIER", "QUART": "QUARTIER",
    "QUARTIER": "QUARTIER", "CAR": "CARREFOUR", "CARREFOUR": "CARREFOUR", "ZA": "ZONE",
    "ZI": "ZONE", "ZAC": "ZONE", "GR": "GRANDE RUE", "GRDE": "GRANDE", "PTE": "PORTE",
    "PORTE": "PORTE", "CLOS": "CLOS", "MAIL": "MAIL", "TSSE": "TERRASSE", "TERRASSE": "TERRASSE",
}
_TITLE_WORDS = {
    "ST": "SAINT", "STE": "SAINTE", "DOC": "DOCTEUR", "DR": "DOCTEUR", "GEN": "GENERAL",
    "GAL": "GENERAL", "GL": "GENERAL", "MAL": "MARECHAL", "MAR": "MARECHAL", "PDT": "PRESIDENT",
    "PRES": "PRESIDENT", "PROF": "PROFESSEUR", "CDT": "COMMANDANT", "CNE": "CAPITAINE",
    "LT": "LIEUTENANT", "ABBE": "ABBE", "MGR": "MONSEIGNEUR", "ND": "NOTRE DAME", "FR": "FRERES",
    "GDE": "GRANDE", "GD": "GRAND", "PT": "PETIT", "PTE": "PETITE", "VX": "VIEUX", "NVLLE": "NOUVELLE",
    "CHE": "CHEMIN", "AV": "AVENUE", "BD": "BOULEVARD", "RTE": "ROUTE",
}
_STOP_WORDS = frozenset({"DE", "DU", "DES", "LA", "LE", "LES", "L", "D", "ET", "A", "AU", "AUX", "EN"})
_PARTICLES = ("DE", "DU", "DES", "LA", "LE", "LES", "D", "L")
#: particles mistyped with a letter doubled (``AVENUE DDE LA MER``) or their letters swapped
#: (``UD``, ``ED``, ``DSE``), dropped like the particles. Other one-edit variants are not: they
#: are words of street names (LAC, LYS, LEZ, DUC), and so are some swaps (SEL, AL, EL), and
#: vowel-less ones are abbreviations (DR, LT).
_MISTYPED_PARTICLES = (
    frozenset(p[:i] + p[i] + p[i:] for p in _PARTICLES for i in range(len(p)))
    | frozenset("".join(q) for p in _PARTICLES for q in itertools.permutations(p))
) - frozenset(_PARTICLES) - {"SEL", "AL", "EL"}
#: words that never belong to a street's name: they start a complement wherever they stand
_STRONG_COMPLEMENT_WORDS = frozenset(
    {"BAT", "BATIMENT", "BT", "BTM", "APT", "APP", "APPT", "APPART", "APPARTEMENT", "ESC", "ETG", "ETAGE",
     "LOGT", "LGT", "LOG", "LOGEMENT", "CEDEX"}
)
#: words that also occur in street names (RUE DE LA TOUR, PORTE D ITALIE): a complement only when
#: followed by its identifier (``TOUR B``, ``PORTE 12``) or at the start of a line
_WEAK_COMPLEMENT_WORDS = frozenset(
    {"ESCALIER", "PORTE", "ENTREE", "BOITE", "TOUR", "IMMEUBLE", "IMM", "CHAMBRE", "CHB"}
)
#: a postal box and its number, up to six digits (``BP 322``, ``CS 53912``, ``TSA 70011``)
_POSTAL_BOXES = frozenset({"BP", "CS", "TSA"})
_POSTAL_BOX_NUMBER = re.compile(r"^\d{1,6}$")
_COMPLEMENT_WORDS = _STRONG_COMPLEMENT_WORDS | _WEAK_COMPLEMENT_WORDS | _POSTAL_BOXES | {"CHEZ"}
#: a building's name after the street (``12 RUE X RESIDENCE LES PINS``): the rest of the line
_BUILDING_WORDS = frozenset({"RES", "RESID", "RESIDENCE", "IMMEUBLE", "IMM"})
#: what follows a complement word: ``34``, ``12B``, ``C``, ``3E``; or a side, alone as well
_IDENTIFIER = re.compile(r"^(\d{1,4}[A-Z]?|[A-Z]|\d{1,2}(E|ER|ERE|EME))$")
_SIDES = frozenset({"GAUCHE", "DROITE", "DTE", "GCHE", "FOND", "RDC"})
_ORDINAL = re.compile(r"^\d{1,2}(E|ER|ERE|EME)$")
_HOUSE_NUMBER = re.compile(r"^\d{1,4}$")
_HOUSE_NUMBER_GLUED = re.compile(r"^\d{1,4}(?:[A-H]|BIS|TER|QUATER)?$")  # 15A, 10BIS
_MONTHS = frozenset({"JANVIER", "FEVRIER", "MARS", "AVRIL", "MAI", "JUIN", "JUILLET", "AOUT", "SEPTEMBRE",
                     "OCTOBRE", "NOVEMBRE", "DECEMBRE"})
_REPEAT = {"BIS": "B", "B": "B", "TER": "T", "T": "T", "QUATER": "Q", "QUA": "Q", "Q": "Q",
           "A": "A", "C": "C", "D": "D"}
_NUMBER = re.compile(r"^(\d{1,5})\s*(BIS|TER|QUATER|[A-DTQ])?\b")


@dataclass(frozen=True, slots=True)
class Address:
    """A normalised address; every part may be missing."""

    number: str | None = None  # "12", "12B" (bis), "12T" (ter)
    street: str | None = None  # "RUE REPUBLIQUE" (type spelt out, no stop words)
    postcode: str | None = None  # checked or repaired against the reference
    city: str | None = None  # folded commune name as typed (fallback when unknown)
    insee: str | None = None  # INSEE code of the commune (an arrondissement's: its city's) when identified


@lru_cache(maxsize=200_000)
def normalise_number(raw: str | None) -> tuple[str | None, str]:
    """(``"12B"``, rest of the text) from ``"12 bis"``, ``"12B"``, ``"12 BIS AV FOCH"``."""
    text = numbers_read(fold(raw), leading_digit=True)
    m = _NUMBER.match(text)
    if not m:
        return None, text
    rest = text[m.end():].strip()
    suffix = _REPEAT.get(m.group(2) or "", "")
    number = str(int(m.group(1))) + suffix
    return (number if number != "0" else None), rest


@lru_cache(maxsize=500_000)
def normalise_street(raw: str | None) -> str | None:
    """Street type spelt out, abbreviations expanded, stop words dropped.

    ``"BD DE LA REPUBLIQUE"`` and ``"boulevard République"`` both give ``"BOULEVARD REPUBLIQUE"``.
    """
    words = fold(raw).split()
    if not words:
        return None
    out: list[str] = []
    for i, w in enumerate(words):
        if i == 0 and w in STREET_TYPES:
            out.extend(STREET_TYPES[w].split())
        elif w in _STOP_WORDS or w in _MISTYPED_PARTICLES:
            continue
        else:
            out.extend(_TITLE_WORDS.get(w, w).split())
    return " ".join(out) or None


_TYPE_WORDS = frozenset(w for w in STREET_TYPES if len(w) >= 3)


@lru_cache(maxsize=20_000)
def _mistyped_type(word: str) -> bool:
    """A street type with one typing error (IPM, RU, AVNUE), not a word of the street's name."""
    if word in STREET_TYPES or len(word) < 2:
        return False
    return any(abs(len(word) - len(t)) <= 1 and DamerauLevenshtein.distance(word, t, score_cutoff=1) <= 1
               for t in _TYPE_WORDS if t[0] == word[0] or len(word) >= 4)


#: street types written after the name, as addresses abroad have them (English), full or short;
#: ST and DR are already read SAINT and DOCTEUR, which never end a French street
_TRAILING_TYPES = frozenset(
    "STREET ST SAINT ROAD RD DRIVE DR DOCTEUR CLOSE CL COURT CT CRESCENT CRES CR TERRACE TCE TERR LANE LN "
    "AVENUE AVE AV PLACE PL WAY PARADE PDE HIGHWAY HWY".split())


@lru_cache(maxsize=500_000)
def street_key(street: str | None) -> str | None:
    """What identifies a street inside its commune: its name without the street type.

    Sources write the same street as ``LOTISSEMENT DES VIGNES``, ``LOTISST VIGNES``,
    ``LIEU-DIT LES VIGNES`` or ``VIGNES``, and mistype the type (``IPM``, ``RU``): the type is
    dropped, from a normalised street (:func:`normalise_street`). A street that is only a type
    (``GRANDE RUE``) keeps it."""
    if not street:
        return None
    words = street.split()
    if words[:2] == ["LIEU", "DIT"]:
        rest = words[2:]
    elif " ".join(words[:2]) in _TWO_WORD_TYPES:
        rest = words[2:]
    elif words[0] in _CANONICAL_TYPES or (len(words) > 1 and _mistyped_type(words[0])):
        rest = words[1:]
    else:
        rest = words
    if len(rest) >= 2 and rest[-1] in _TRAILING_TYPES:
        rest = rest[:-1]  # an English type, written after the name: WILLOW CLOSE, WILLOW CL
    return " ".join(rest) or street


_CANONICAL_TYPES = frozenset(t for t in STREET_TYPES.values() if " " not in t) | frozenset(STREET_TYPES)
_TWO_WORD_TYPES = frozenset(t for t in STREET_TYPES.values() if " " in t)


def _complement_item(words: list[str], i: int, max_ids: int) -> int:
    """End of the complement item starting at ``words[i]`` (``APPT 34``, ``BAT B``, ``3E ETAGE``,
    ``ESC``), or ``i`` when none starts there."""
    w = words[i]
    if _ORDINAL.match(w) and i + 1 < len(words) and words[i + 1] in ("ETAGE", "ETG"):
        return i + 2
    if w in _SIDES:
        return i + 1
    if w in _POSTAL_BOXES:  # "BP 322", "BP N 322", "CS 53912", "BP 12B"
        j = i + 2 if i + 2 < len(words) and words[i + 1] in ("N", "NO", "NUM") else i + 1
        ok = j < len(words) and (_POSTAL_BOX_NUMBER.match(words[j]) or _IDENTIFIER.match(words[j]))
        return j + 1 if ok else i
    if w not in _STRONG_COMPLEMENT_WORDS and w not in _WEAK_COMPLEMENT_WORDS:
        return i
    j = i + 1
    if j < len(words) and words[j] in ("N", "NO", "NUM"):  # "APPT N 12"
        j += 1
    ids = 0
    while j < len(words) and ids < max_ids and (_IDENTIFIER.match(words[j]) or words[j] in _SIDES):
        j, ids = j + 1, ids + 1
    if ids == 0 and w not in _STRONG_COMPLEMENT_WORDS:
        return i
    return j


def _has_name(words: list[str]) -> bool:
    """Whether a street keeps a word of its own name besides its type and particles."""
    return any(w not in _STOP_WORDS and w not in _MISTYPED_PARTICLES for w in words[1:]) or (
        bool(words) and words[0] not in STREET_TYPES)


def _cut_trailing_complement(words: list[str]) -> list[str]:
    """The street without the complement typed after it on the same line.

    ``R CARNOT APPT 34`` → ``R CARNOT``; ``RTE DE PARIS ESC 2 ETG 3`` → ``RTE DE PARIS``;
    ``R X RESIDENCE LES PINS`` → ``R X``. The cut is made only where everything after it reads as
    complements, and only if the street keeps a name (``RUE DE LA TOUR A`` stays whole)."""
    after_street = bool(words) and words[0] in STREET_TYPES and words[0] not in _BUILDING_WORDS
    for k in range(1, len(words)):
        end = k
        while end < len(words):
            nxt = _complement_item(words, end, 2)
            if nxt == end:
                break
            end = nxt
        if end < len(words) - 1 and (words[end] == "CHEZ" or after_street and words[end] in _BUILDING_WORDS):
            end = len(words)  # a name (building's, person's) runs to the end of the line
        if end == len(words) and _has_name(words[:k]):
            return words[:k]
    return words


def _drop_leading_complement(words: list[str]) -> list[str] | None:
    """The street part of a line that starts with a complement, or None when it holds none.

    ``LOGEMENT 5 4 R PIERRE ET MARIE CURIE`` → ``4 R PIERRE ET MARIE CURIE``;
    ``RES LES PINS 12 R X`` → ``12 R X``; ``BAT B APPT 12`` → None."""
    building = words[0] in _BUILDING_WORDS
    # a house number followed by a street type: the street starts there
    for i in range(1, len(words) - 1):
        if _HOUSE_NUMBER_GLUED.match(words[i]):
            j = i + 1
            if words[j] in _REPEAT and j + 1 < len(words) and words[j] not in STREET_TYPES:
                j += 1  # "12 B R X"
            if words[j] in STREET_TYPES and words[j] not in _BUILDING_WORDS:
                return words[i:]
    if building:
        return None  # a residence's name alone: the caller reads it as a street
    i = 0
    while i < len(words):
        if words[i] == "CHEZ":  # a name follows, up to the house number
            i += 1
            while i < len(words) and not _HOUSE_NUMBER.match(words[i]):
                i += 1
            continue
        nxt = _complement_item(words, i, 1)
        if nxt == i:
            break
        i = nxt
    rest = words[i:]
    if len(rest) >= 2 and (_HOUSE_NUMBER.match(rest[0]) or rest[0] in STREET_TYPES):
        return rest
    return None


def _drop_number_range(words: list[str]) -> list[str]:
    """``12 14 R X`` (typed ``12-14``, ``12/14``, ``12 A 14``, ``12 AU 14``, ``12 ET 14``) keeps
    the first number: ``12 R X``; not ``3 8 MAI 1945`` (a date naming the street)."""
    if len(words) < 3 or not _HOUSE_NUMBER.match(words[0]):
        return words
    j = 2 if words[1] in ("A", "AU", "ET") else 1
    if j + 1 >= len(words) or not _HOUSE_NUMBER.match(words[j]):
        return words
    first, second = int(words[0]), int(words[j])
    if not first < second <= first + 20 or words[j + 1] in _MONTHS or _HOUSE_NUMBER.match(words[j + 1]):
        return words
    return [words[0], *words[j + 1:]]


#: "B.P. 322" folded
_B_P = re.compile(r"\bB P (?=\d)")


def _street_line(line: str) -> str | None:
    """A folded line without its complements and number range, or None when it is only a
    complement."""
    words = _B_P.sub("BP ", line).split()
    if not words:
        return None
    if words[0] in _COMPLEMENT_WORDS or (words[0] in _BUILDING_WORDS and len(words) > 2):
        rest = _drop_leading_complement(words)
        if rest is not None:
            words = rest
        elif words[0] in _COMPLEMENT_WORDS:
            return None
    words = _drop_number_range(words)
    start = 0
    if _HOUSE_NUMBER.match(words[0]):
        start = 2 if len(words) > 2 and words[1] in _REPEAT and words[1] not in STREET_TYPES else 1
    words = words[:start] + _cut_trailing_complement(words[start:])
    return " ".join(words)


#: a postal line at the end of an address line: "75002 PARIS", "06 400 CANNES CEDEX 3"
_LOCALITY = re.compile(r"(?:^|\s)(\d{2}\s?\d{3})\s+([A-Z][A-Z0-9 ]*?)(\s+CEDEX(?:\s+\d{1,2})?)?$")


#: a city with municipal arrondissements written with its arrondissement and no postal code
_CITY_ARRONDISSEMENT = re.compile(
    r"(?:^|\s)(PARIS|LYON|MARSEILLE)\s+\d{1,2}\s*(E|EME|ER|ERE)(\s+ARR(ONDISSEMENT|T)?)?$")


@lru_cache(maxsize=200_000)
def split_locality(line: str | None) -> tuple[str, str | None, str | None]:
    """(folded line without it, postal code, city) of a line that ends with a postal code of the
    reference and a commune name (``12 RUE DE LA PAIX 75002 PARIS``, ``75002 Paris``) or with a
    city and its arrondissement (``12 AV IMBERT PARIS 16E ARRONDISSEMENT``: no postal code);
    else (folded line, None, None). A house number of five digits before a street is no postal
    code."""
    text = numbers_read(fold(without_decimal_zero_codes(line or "")), leading_digit=True)
    start = 0
    # the first five digits may be no postal code: "LOGEMENT 14 239 RUE CARNOT 09460 CARCANIERES"
    while m := _LOCALITY.search(text, start):
        postcode, city, cedex = m.group(1).replace(" ", ""), m.group(2), m.group(3)
        before = text[: m.start()].split()
        if before and before[-1] in _POSTAL_BOXES:  # a box's number, not a postal code
            return " ".join(before[:-1]), None, city
        # a CEDEX code is no postal code of the reference ("31933 VILLEMUR SUR TARN CEDEX 9"):
        # the commune is found by its name in the code's département
        if city.split()[0] not in STREET_TYPES and (cedex or load_reference().is_postcode(postcode)):
            return text[: m.start()].strip(), postcode, city
        start = m.start(1) + 1
    if arrondissement := _CITY_ARRONDISSEMENT.search(text):  # "… PARIS 16E ARRONDISSEMENT"
        return text[: arrondissement.start()].strip(), None, arrondissement.group(0).strip()
    return text, None, None


#: words after which a commune's name is the end of a street's name (RUE DE BREST, RUE SAINT
#: MARTIN, AVENUE DU GENERAL LECLERC), not the commune of the address
_BEFORE_A_STREET_NAME = _STOP_WORDS | set(STREET_TYPES) | set(_TITLE_WORDS) | set(_TITLE_WORDS.values()) | {
    "SAINT", "SAINTE", "GRAND", "GRANDE", "PETIT", "PETITE", "VIEUX", "VIEILLE", "NOUVELLE", "HAUT", "BAS"}


def trailing_commune(
    line: str, departements: frozenset[str], first_names: frozenset[str]
) -> tuple[str, Commune] | None:
    """(line without it, commune) of an address line without postal code that ends with the
    name of one commune of ``departements`` (those where the records live): ``151 R JULES FERRY
    PLOUENAN``, ``9 BD SAINT NICOLAS CALVI``. None when the words before make it the end of a
    street's name (``RUE DE BREST``, ``RUE SAINT MARTIN``, ``RUE PAUL BERT`` with PAUL in
    ``first_names``) or when no street is left."""
    words = fold(line).split()
    reference = load_reference()
    for k in range(min(5, len(words) - 2), 0, -1):  # the longest name first
        before, street = words[-k - 1], words[:-k]
        if before in _BEFORE_A_STREET_NAME:
            continue
        if before in first_names and (len(street) < 2 or street[-2] in _STOP_WORDS or street[-2] in STREET_TYPES):
            continue  # RUE PAUL | BERT: a street is rarely named by a first name alone
        if not (_HOUSE_NUMBER_GLUED.match(street[0]) or any(w in STREET_TYPES for w in street)):
            continue
        name = " ".join(words[-k:])
        found = [c for d in departements if (c := reference.named_in_departement(name, d)) is not None]
        if len(found) == 1:
            return " ".join(street), found[0]
    return None


def address_locality(lines: list[str | None]) -> tuple[str | None, str | None]:
    """(postal code, city) written in the address lines themselves, or (None, None): sources
    that keep the whole address in one or several free lines."""
    for raw in reversed(lines):
        _, postcode, city = split_locality(raw)
        if postcode or city:
            return postcode, city
    return None, None


def with_locality(
    postcode: str | None, city: str | None, locality: tuple[str | None, str | None]
) -> tuple[str | None, str | None]:
    """The postal code and city fields, each one left empty taken from what the address lines say
    (:func:`address_locality`)."""
    return postcode or locality[0], city or locality[1]


def split_address(lines: list[str | None], number: str | None = None) -> tuple[str | None, str | None]:
    """(number, street) from free address lines (the street line is the one with a number or a
    street type; complements such as "BAT A APPT 12", before or after the street on its line, are
    dropped; of a number range "12-14" the first number is kept) and an optional number field."""
    num, _ = normalise_number(number) if number else (None, "")
    if number and num is None:
        folded = fold(number)
        if folded:  # "12 BIS" split oddly, e.g. number field "BIS"
            lines = [folded] + list(lines)
    street: str | None = None
    for raw in lines:
        line = _street_line(split_locality(raw)[0])
        if not line:
            continue
        n, rest = normalise_number(line)
        first = rest.split()[0] if rest else ""
        if n is not None and rest:
            num = num or n
            street = rest
            break
        if first in STREET_TYPES and street is None:
            street = rest
        elif street is None:
            street = line
    return num, normalise_street(street)


@lru_cache(maxsize=200_000)
def normalise_postcode(raw: str | None) -> str | None:
    """Five digits (a leading zero lost by a spreadsheet, or a decimal it added, undone; O, I, l
    read as digits), else None."""
    text = numbers_read(fold(without_decimal_zero(raw or "")))
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) == 4:
        digits = "0" + digits
    return digits if len(digits) == 5 else None


_CITY_SUFFIX = re.compile(r"\s+CEDEX(\s+\d+)?$")
#: "PARIS 15", "MARSEILLE 8E", "LYON 3EME ARRONDISSEMENT", "PARIS 16 ARR"
_ARRONDISSEMENT_SUFFIX = re.compile(r"\s+\d+\s*(E|EME|ER|ERE)?(\s+ARR(ONDISSEMENT|T)?)?$")


def strip_arrondissement(folded: str) -> str:
    """A folded commune name without its arrondissement: ``PARIS 15E ARRONDISSEMENT`` → ``PARIS``."""
    return _ARRONDISSEMENT_SUFFIX.sub("", folded) or folded


def raw_postcode(raw: str | None) -> str | None:
    """A postal code as written, letters and digits only (``2600``, ``L-1009`` → ``L1009``,
    ``SW1A 1AA`` → ``SW1A1AA``; a spreadsheet's decimal and O, I, l among digits undone): the
    key of a place the reference does not know."""
    text = fold(without_decimal_zero(raw or "")).replace(" ", "")
    if text and sum(c.isdigit() for c in text) >= len(text) - 1:
        text = numbers_read(text)
    return text or None


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Folded country names (``data/pays.txt``): in a city field, the place is abroad."""
    path = Path(__file__).resolve().parent / "data" / "pays.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def without_country(folded: str) -> tuple[str, bool]:
    """A folded city without the country written after it (``MADRID ESPAGNE``, ``LISBOA
    PORTUGAL``), and whether one was: ``LUXEMBOURG`` alone is both a city and a country."""
    words = folded.split()
    countries = country_names()
    for k in (3, 2, 1):
        if len(words) > k and " ".join(words[-k:]) in countries:
            return " ".join(words[:-k]), True
    return folded, len(words) <= 3 and folded in countries


def _four_digits(raw: str | None) -> bool:
    """A postal code written with four digits: a French one whose leading zero a spreadsheet
    lost, or a foreign one (Belgium, Switzerland, Portugal, Australia…)."""
    digits = raw_postcode(raw)
    return digits is not None and len(digits) == 4 and digits.isdigit()


def _city_confirms(ref: CommuneReference, folded: str | None, postcode: str) -> Commune | None:
    """The commune of ``postcode`` whose name the typed city is (one typo allowed), else None."""
    if not folded:
        return None
    for code in ref.communes_for_postcode(postcode):
        name = fold_commune_name(ref.by_code[code].nom)
        if name == folded or (len(folded) >= 5 and DamerauLevenshtein.distance(name, folded) <= 1):
            return ref.by_code[code]
    return None


def _city_folded(city: str | None) -> str | None:
    """The typed city, folded, without CEDEX nor arrondissement (no reference needed)."""
    folded = fold(without_decimal_zero_codes(city or "")) or None
    if folded:
        folded = strip_arrondissement(_CITY_SUFFIX.sub("", folded)) or None
    return folded


@lru_cache(maxsize=200_000)
def raw_commune(postcode: str | None, city: str | None) -> tuple[str | None, None, str | None]:
    """(postal code as written, no INSEE code, folded city): a place without the reference."""
    return raw_postcode(postcode), None, _city_folded(city)


@lru_cache(maxsize=200_000)
def normalise_commune(
    postcode: str | None, city: str | None, reference: bool = True
) -> tuple[str | None, str | None, str | None]:
    """(repaired postal code, INSEE code, folded city) for a (postal code, city) pair.

    The INSEE code is the one record linkage compares: a municipal arrondissement or a commune
    déléguée gives its commune (``13004 MARSEILLE 4E ARRONDISSEMENT`` and ``13004 MARSEILLE``
    are both 13055, see :meth:`CommuneReference.municipality`); the postal code keeps the
    arrondissement. Without a postal code, a name shared by several communes names the one
    that holds most of their inhabitants (:meth:`CommuneReference.likeliest`).

    A four-digit postal code is a French one missing its leading zero only when the city
    confirms it (``1300 BELLEY``); otherwise (``2600 KINGSTON``, ``1000 BRUXELLES``, or no
    city) the place is left as written, never forced into a French commune. With ``reference``
    off, every place is left as written (:func:`raw_commune`)."""
    if not reference:
        return raw_commune(postcode, city)
    folded_city = _city_folded(city)
    if folded_city and (abroad := without_country(folded_city))[1]:  # "MADRID (ESPAGNE)": never French
        return raw_postcode(postcode), None, abroad[0] or folded_city
    ref = load_reference()
    if _four_digits(postcode):
        padded = "0" + (raw_postcode(postcode) or "")
        folded = _city_folded(city)
        commune = _city_confirms(ref, folded, padded)
        if commune is None:
            return raw_postcode(postcode), None, folded
        return padded, ref.municipality(commune.code_insee), folded
    pc = normalise_postcode(postcode)
    folded = fold(without_decimal_zero_codes(city or "")) or None
    if folded and folded.isdigit() and len(folded) in (4, 5):  # a code alone in the city field
        typed = normalise_postcode(folded)
        if not ref.is_postcode(typed) and (named := ref.commune(folded)):  # the commune's INSEE code
            folded = fold(named.nom)
        else:
            pc, folded = pc or typed, None
    if folded and folded[:1].isdigit():  # "75002 PARIS" typed in the city field
        rest, typed_pc, typed_city = split_locality(folded)
        if typed_pc and not rest:
            pc, folded = pc or typed_pc, typed_city
    if folded:
        folded = _CITY_SUFFIX.sub("", folded)
        folded = strip_arrondissement(folded)
    commune = ref.find(folded, pc) if (folded or pc) else None
    if commune is None and folded:
        commune = ref.find_fuzzy(folded, pc)
    if commune is None and folded and pc is None:
        commune = ref.likeliest(folded)
    if commune is None:
        return pc, None, folded
    if pc and not ref.is_postcode(pc) and not pc.startswith("20" if commune.departement in ("2A", "2B")
                                                             else commune.departement[:2]):
        # a name found elsewhere in France beside a postal code France does not have (28001
        # MADRID, 10115 BERLIN): a place abroad, not the commune of that name
        return pc, None, folded
    postcodes = ref.postcodes_of(commune.code_insee)
    if pc not in postcodes:
        pc = postcodes[0] if postcodes else pc
    return pc, ref.municipality(commune.code_insee), folded


def normalise_address(
    number: str | None = None,
    street: str | None = None,
    lines: list[str | None] | None = None,
    postcode: str | None = None,
    city: str | None = None,
) -> Address:
    """Normalise the parts of an address as typed in a source."""
    all_lines = [street, *(lines or [])]
    num, street_norm = split_address(all_lines, number)
    postcode, city = with_locality(postcode, city, address_locality(all_lines))
    pc, insee, folded = normalise_commune(postcode, city)
    return Address(number=num, street=street_norm, postcode=pc, city=folded, insee=insee)


@lru_cache(maxsize=100_000)
def commune_name_key(commune: str) -> str:
    """The name a commune value of the matching table stands for: ``"?COURS"`` (a name typed
    without postal code that several communes bear) and ``"69066"`` (COURS, Rhône) both give
    ``"COURS"``, so that a comparison may take them for one commune."""
    if commune.startswith("?"):
        return fold_commune_name(commune[1:])
    ref = load_reference()
    entry = ref.by_code.get(commune)
    return fold_commune_name(entry.nom) if entry is not None else commune
