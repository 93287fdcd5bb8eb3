"""Postal addresses: street numbers with BIS/TER, street types and usual abbreviations, postal code
and commune checked and repaired against the communes reference."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from .reference import load_reference
from .text import fold

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
_COMPLEMENT_WORDS = frozenset(
    {"BAT", "BATIMENT", "APT", "APPT", "APPARTEMENT", "ESC", "ESCALIER", "ETG", "ETAGE", "CHEZ",
     "BP", "CS", "CEDEX", "PORTE", "ENTREE", "LOGEMENT", "LOG", "BOITE", "TOUR", "IMMEUBLE", "IMM"}
)
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
    insee: str | None = None  # INSEE code of the commune when it could be identified


@lru_cache(maxsize=200_000)
def normalise_number(raw: str | None) -> tuple[str | None, str]:
    """(``"12B"``, rest of the text) from ``"12 bis"``, ``"12B"``, ``"12 BIS AV FOCH"``."""
    text = fold(raw)
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
        elif w in _STOP_WORDS:
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
    return " ".join(rest) or street


_CANONICAL_TYPES = frozenset(t for t in STREET_TYPES.values() if " " not in t) | frozenset(STREET_TYPES)
_TWO_WORD_TYPES = frozenset(t for t in STREET_TYPES.values() if " " in t)


def _is_complement(line: str) -> bool:
    words = line.split()
    return bool(words) and words[0] in _COMPLEMENT_WORDS


def split_address(lines: list[str | None], number: str | None = None) -> tuple[str | None, str | None]:
    """(number, street) from free address lines (the street line is the one with a number or a
    street type; complements such as "BAT A APPT 12" are dropped) and an optional number field."""
    num, _ = normalise_number(number) if number else (None, "")
    if number and num is None:
        folded = fold(number)
        if folded:  # "12 BIS" split oddly, e.g. number field "BIS"
            lines = [folded] + list(lines)
    street: str | None = None
    for raw in lines:
        line = fold(raw)
        if not line or _is_complement(line):
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
    """Five digits (a leading zero lost by a spreadsheet is restored), else None."""
    digits = "".join(c for c in (raw or "") if c.isdigit())
    if len(digits) == 4:
        digits = "0" + digits
    return digits if len(digits) == 5 else None


@lru_cache(maxsize=200_000)
def normalise_commune(postcode: str | None, city: str | None) -> tuple[str | None, str | None, str | None]:
    """(repaired postal code, INSEE code, folded city) for a (postal code, city) pair."""
    ref = load_reference()
    pc = normalise_postcode(postcode)
    folded = fold(city) or None
    if folded:
        folded = re.sub(r"\s+CEDEX(\s+\d+)?$", "", folded)
        folded = re.sub(r"\s+\d+(E|EME|ER)?$", "", folded)  # "PARIS 15", "MARSEILLE 8E"
    commune = ref.find(folded, pc) if (folded or pc) else None
    if commune is None and folded:
        commune = ref.find_fuzzy(folded, pc)
    if commune is None:
        return (pc if pc and ref.is_postcode(pc) else pc), None, folded
    if pc not in commune.postcodes:
        pc = commune.postcodes[0] if commune.postcodes else pc
    return pc, commune.code_insee, folded


def normalise_address(
    number: str | None = None,
    street: str | None = None,
    lines: list[str | None] | None = None,
    postcode: str | None = None,
    city: str | None = None,
) -> Address:
    """Normalise the parts of an address as typed in a source."""
    num, street_norm = split_address([street, *(lines or [])], number)
    pc, insee, folded = normalise_commune(postcode, city)
    return Address(number=num, street=street_norm, postcode=pc, city=folded, insee=insee)
