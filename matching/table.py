"""Records normalised into columns of integer codes (numpy), the form every later step works on.

Each distinct normalised value (a surname, a set of first names, a street…) gets an integer code
in a :class:`Vocab`; comparisons then work on arrays of codes and only look at the strings for the
distinct pairs of values that need a fuzzy score. Normalisation runs once per distinct raw value,
not once per record.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np

from .addresses import (
    address_locality,
    commune_name_key,
    normalise_commune,
    split_address,
    street_key,
    strip_arrondissement,
    trailing_commune,
    with_locality,
)
from .dates import parse_birth_date
from .names import (
    first_names_key,
    glued_order,
    parse_first_names,
    parse_sex,
    parse_surname,
    split_glued_first_name,
    surname_key,
    transliteration_key,
    usual_first_names,
)
from .phonetic import phonetic
from .records import Record
from .reference import load_reference
from .text import fold, scan_key

MISSING = -1


def _stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


_VOWELS_AND_SPACE = frozenset("AEIOUY ")


def street_skeleton(street: str) -> str:
    """The distinct consonants of a street, sorted: LILAS and LILLAS, EGLISE and EGLSE,
    MARRONNIERS and MMARRONNIERS share it (a doubled, dropped or wrong vowel, two letters swapped)."""
    return "".join(sorted(set(street) - _VOWELS_AND_SPACE))


def _grow(
    array: np.ndarray | None, filled: int, values: list[Any], fn: Callable[[Any], Any], dtype: Any, sentinel: Any
) -> tuple[np.ndarray, int]:
    """An array mapping each code (index into ``values``) to ``fn(value)``, grown in place as
    ``values`` grows (capacity doubling); its last element is ``sentinel`` so that code -1
    (missing) maps to it."""
    n = len(values)
    if array is not None and filled == n:
        return array, filled
    if array is None or len(array) < n + 1:
        cap = max(16, 2 * (n + 1))
        new = np.empty(cap, dtype=dtype)
        new[:] = sentinel
        if array is not None:
            new[:filled] = array[:filled]
        array = new
    if n > filled:
        array[filled:n] = [fn(x) for x in values[filled:n]] if dtype is object else np.fromiter(
            (fn(x) for x in values[filled:n]), dtype=dtype, count=n - filled
        )
    return array, n


class Vocab:
    """Distinct strings ↔ integer codes. ``key`` decides equality (e.g. surnames without spaces);
    the first spelling seen is kept as the display value."""

    def __init__(self, key: Callable[[str], str] | None = None) -> None:
        self._key = key
        self.index: dict[str, int] = {}
        self.values: list[str] = []
        self._array: np.ndarray | None = None
        self._filled = 0
        #: results derived from the values, kept by their users (comparisons' scores of frequent pairs)
        self.memo: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self.values)

    def add(self, value: str | None) -> int:
        if not value:
            return MISSING
        k = self._key(value) if self._key else value
        code = self.index.get(k)
        if code is None:
            code = len(self.values)
            self.index[k] = code
            self.values.append(value)
        return code

    def get(self, value: str | None) -> int:
        if not value:
            return MISSING
        return self.index.get(self._key(value) if self._key else value, MISSING)

    def strings(self, codes: np.ndarray) -> np.ndarray:
        """Object array of the display strings of ``codes`` (no code may be missing)."""
        self._array, self._filled = _grow(self._array, self._filled, self.values, lambda x: x, object, "")
        return self._array[codes]


@dataclass
class Vocabularies:
    """The vocabularies of a table, shared with the tables built against it (incremental use)."""

    surname: Vocab = field(default_factory=lambda: Vocab(surname_key))
    surname_phonetic: Vocab = field(default_factory=Vocab)
    first_names: Vocab = field(default_factory=lambda: Vocab(first_names_key))
    first_name: Vocab = field(default_factory=Vocab)
    first_name_phonetic: Vocab = field(default_factory=Vocab)
    place: Vocab = field(default_factory=Vocab)
    number: Vocab = field(default_factory=Vocab)
    street: Vocab = field(default_factory=Vocab)
    commune: Vocab = field(default_factory=Vocab)  # INSEE code, or "?" + folded name when unknown
    postcode: Vocab = field(default_factory=Vocab)
    departement: Vocab = field(default_factory=Vocab)
    identifier: Vocab = field(default_factory=Vocab)
    source: Vocab = field(default_factory=Vocab)
    # derived per-code attributes, aligned with the codes of their vocabulary
    surname_phon_of: list[int] = field(default_factory=list)
    fn_tokens_of: list[tuple[int, ...]] = field(default_factory=list)  # first_names → first_name codes
    fn_phon_of: list[int] = field(default_factory=list)  # first_name → first_name_phonetic code
    #: first names of the population beyond the vendored list, learnt when the first table was
    #: built: a record matched later against it splits a glued "NOM PRENOM" as the batch did
    population_first_names: frozenset[str] = frozenset()
    #: source → how it writes first names in its name field when it has no first-name field
    #: ("end": NOM Prénom, "start": Prénom NOM), learnt likewise
    glued_orders: dict[str, str] = field(default_factory=dict)
    #: the départements where the records of the first table live (a commune written at the end
    #: of an address line is looked for there), learnt likewise
    population_departements: frozenset[str] = frozenset()

    _cache: dict[str, tuple[np.ndarray | None, Any]] = field(default_factory=dict, repr=False)

    def _derived(self, name: str, values: list[Any], fn: Callable[[Any], Any], dtype: Any, sentinel: Any) -> np.ndarray:
        array, filled = self._cache.get(name, (None, 0))
        array, filled = _grow(array, filled, values, fn, dtype, sentinel)
        self._cache[name] = (array, filled)
        return array

    def surname_phon_array(self) -> np.ndarray:
        """Phonetic code of each surname code (code -1 maps to -1)."""
        return self._derived("sp", self.surname_phon_of, int, np.int64, MISSING)

    def surname_lengths(self) -> np.ndarray:
        """Length (without spaces) of each surname code."""
        return self._derived("sl", self.surname.values, lambda x: len(x.replace(" ", "")), np.int64, 0)

    def spelling_hashes(self, vocab: str) -> np.ndarray:
        """Stable 64-bit hash of each value of ``surname``, ``first_names`` or ``first_name``
        without its spaces: one key space where a surname meets the same word typed as a first
        name (code -1 maps to 0)."""
        return self._derived("spelling " + vocab, getattr(self, vocab).values,
                             lambda x: _stable_hash(x.replace(" ", "")), np.uint64, 0)

    def first_names_spellings(self) -> np.ndarray:
        """(codes + 1, 5) spelling hashes of each first-names code: the whole without spaces,
        then up to four words (0 where none; the last row, for code -1, all 0)."""
        n = len(self.first_names)
        array, filled = self._cache.get("first names spellings", (None, 0))
        if array is None or filled != n:
            lengths, offsets, flat = self.fn_token_arrays()
            words = self.spelling_hashes("first_name")
            whole = self.spelling_hashes("first_names")
            if array is None or len(array) < n + 1:  # capacity doubling; rows beyond n stay 0
                grown = np.zeros((max(16, 2 * (n + 1)), 5), np.uint64)
                if array is not None:
                    grown[:filled] = array[:filled]
                array = grown
            codes = np.arange(filled, n)
            array[codes, 0] = whole[codes]
            for k in range(4):
                rows = codes[lengths[codes] > k]
                array[rows, k + 1] = words[flat[offsets[rows] + k]]
            self._cache["first names spellings"] = (array, n)
        return array

    def surnames_spelt_as_first_names(self) -> np.ndarray:
        """Whether each surname code is spelt as a first-name word or as someone's first names
        (then False, for code -1)."""
        size = (len(self.surname), len(self.first_names))
        like, seen = self._cache.get("surnames spelt as first names", (None, None))
        if like is None or seen != size:
            spellings = self.first_names_spellings()
            hashes = self.spelling_hashes("surname")
            like = np.isin(hashes, spellings[spellings != 0]) & (hashes != 0)
            self._cache["surnames spelt as first names"] = (like, size)
        return like

    def compact_keys(self, vocab: str) -> np.ndarray:
        """Values of a vocabulary without spaces (object array; code -1 maps to "")."""
        return self._derived("k" + vocab, getattr(self, vocab).values, lambda x: x.replace(" ", ""), object, "")

    def surname_words(self) -> np.ndarray:
        """Number of words of each surname code."""
        return self._derived("sw", self.surname.values, lambda x: len(x.split()), np.int64, 0)

    def fn_phon_array(self) -> np.ndarray:
        return self._derived("fp", self.fn_phon_of, int, np.int64, MISSING)

    def commune_names(self) -> tuple[np.ndarray, np.ndarray]:
        """(name key, unresolved?) of each commune code: "?COURS" and "69066" share the key "COURS"."""
        keys = self._derived("cn", self.commune.values, commune_name_key, object, "")
        unresolved = self._derived("cu", self.commune.values, lambda v: v.startswith("?"), bool, False)
        return keys, unresolved

    def phonetic_hashes(self, vocab: str) -> np.ndarray:
        """Stable 64-bit hash of each phonetic key of ``surname_phonetic`` or ``first_name_phonetic``:
        one key space for both, where a surname meets the same word typed as a first name."""
        return self._derived("h" + vocab, getattr(self, vocab).values, _stable_hash, np.uint64, 0)

    def first_name_initials(self) -> np.ndarray:
        """Initial (code point) of each first-name word."""
        return self._derived("fi", self.first_name.values, lambda x: ord(x[0]), np.int64, MISSING)

    def street_skeleton_hashes(self) -> np.ndarray:
        """Stable 64-bit hash of each street's :func:`street_skeleton`."""
        return self._derived("ss", self.street.values, lambda x: _stable_hash(street_skeleton(x)), np.uint64, 0)

    def scan_key_hashes(self, vocab: str) -> np.ndarray:
        """Stable 64-bit hash of each value's :func:`~matching.text.scan_key` (code -1 maps to 0)."""
        return self._derived("scan " + vocab, getattr(self, vocab).values, lambda x: _stable_hash(scan_key(x)),
                             np.uint64, 0)

    def first_name_transliteration_hashes(self) -> np.ndarray:
        """Stable 64-bit hash of each first-name word's :func:`~matching.names.transliteration_key`
        (equal keys are then checked with :func:`~matching.names.transliterated`)."""
        return self._derived("ft", self.first_name.values, lambda x: _stable_hash(transliteration_key(x)),
                             np.uint64, 0)

    def fn_token_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(number of words, offset into flat, flat word codes) of each first-names code (code
        -1 has no words)."""
        lengths = self._derived("fl", self.fn_tokens_of, len, np.int64, 0)
        n = len(self.fn_tokens_of)
        array, filled = self._cache.get("ff", (None, 0))
        offsets, _ = self._cache.get("fo", (None, 0))
        if array is None or filled != n:
            start = filled
            new_words = [c for t in self.fn_tokens_of[start:n] for c in t]
            total_before = 0 if offsets is None or start == 0 else int(offsets[start - 1] + lengths[start - 1])
            offsets = _grow(offsets, start, self.fn_tokens_of, lambda t: 0, np.int64, 0)[0]
            offsets[start:n] = (total_before + np.concatenate([[0], np.cumsum(lengths[start:n])[:-1]])
                                if n > start else [])
            flat_prev = np.zeros(0, np.int64) if array is None or start == 0 else array[:total_before]
            array = np.concatenate([flat_prev, np.asarray(new_words, dtype=np.int64)])
            self._cache["ff"] = (array, n)
            self._cache["fo"] = (offsets, n)
        return lengths, offsets, array

    def first_name_info(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(length, initial as a code point, in the list of usual first names) of each first-name word."""
        known = usual_first_names()
        vals = self.first_name.values
        return (
            self._derived("il", vals, len, np.int64, 0),
            self.first_name_initials(),
            self._derived("ik", vals, lambda t: t in known, bool, False),
        )

    def surname_code(self, name: str | None) -> int:
        code = self.surname.add(name)
        if code >= len(self.surname_phon_of):
            self.surname_phon_of.append(self.surname_phonetic.add(phonetic(surname_key(name or ""))))
        return code

    def first_name_code(self, token: str) -> int:
        code = self.first_name.add(token)
        if code >= len(self.fn_phon_of):
            self.fn_phon_of.append(self.first_name_phonetic.add(phonetic(token)))
        return code

    def first_names_code(self, names: str | None) -> int:
        code = self.first_names.add(names)
        if code >= len(self.fn_tokens_of):
            self.fn_tokens_of.append(tuple(self.first_name_code(t) for t in (names or "").split()))
        return code


def _factorize(values: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """(distinct values in order of appearance, code of each value)."""
    uniq = list(dict.fromkeys(values))
    index = {v: i for i, v in enumerate(uniq)}
    inverse = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return uniq, inverse


_SEX_CODE = {"M": 1, "F": 2}


HOUSEHOLD_MAX_SURNAMES = 3  # surnames at one full address beyond which it is a building, not a household


def household_key(address: np.ndarray, surname: np.ndarray) -> np.ndarray:
    """One int64 per (full address key, surname code) (see :meth:`RecordTable.household_keys`)."""
    return address * 2_654_435_761 + surname.astype(np.int64)


@dataclass
class RecordTable:
    """Normalised records as columns. Codes are ``-1`` when missing; ``sex`` is 0/1 (M)/2 (F);
    ``birth_date`` is ``YYYYMMDD`` with ``00`` for unknown parts, 0 when missing."""

    vocabs: Vocabularies
    ids: list[str]
    source: np.ndarray
    sur_birth: np.ndarray
    sur_usage: np.ndarray
    sur_last: np.ndarray
    first_names: np.ndarray
    first_name: np.ndarray  # first word of the first names as given (the "premier prénom")
    sex: np.ndarray
    birth_date: np.ndarray
    birth_place: np.ndarray
    number: np.ndarray
    street: np.ndarray
    commune: np.ndarray
    postcode: np.ndarray
    departement: np.ndarray
    identifier: np.ndarray
    #: results derived from the columns, computed once: frequencies, household keys, the surnames
    #: array; kept by the comparisons too (valid birth dates; as reference: relations of frequent
    #: first names)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def surnames(self) -> np.ndarray:
        """(n, 3) codes: birth, usage and unknown-kind surname."""
        if "surnames" not in self.memo:
            self.memo["surnames"] = np.stack([self.sur_birth, self.sur_usage, self.sur_last], axis=1)
        return self.memo["surnames"]

    def key(self, i: int) -> tuple[str, str]:
        return (self.vocabs.source.values[self.source[i]], self.ids[i])

    def keys(self) -> list[tuple[str, str]]:
        names = self.vocabs.source.values
        return [(names[s], i) for s, i in zip(self.source.tolist(), self.ids, strict=False)]

    def take(self, idx: np.ndarray) -> RecordTable:
        """A table of the given rows, sharing the vocabularies."""
        cols = {name: getattr(self, name)[idx] for name in _COLUMNS}
        return RecordTable(vocabs=self.vocabs, ids=[self.ids[i] for i in idx.tolist()], **cols)

    def concat(self, other: RecordTable) -> RecordTable:
        assert other.vocabs is self.vocabs, "tables must share their vocabularies"
        cols = {name: np.concatenate([getattr(self, name), getattr(other, name)]) for name in _COLUMNS}
        return RecordTable(vocabs=self.vocabs, ids=self.ids + other.ids, **cols)

    def household_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """(key of each record's full address — number, street and commune —, or -1; sorted keys
        (address, surname) of every surname held at every full address, one per record and name).

        The surnames of a household: a wife known under her birth name in one source and her
        husband's name in another is recognised by the husband's records at the same address."""
        if "household" not in self.memo:
            full = (self.street >= 0) & (self.commune >= 0)  # a lieu-dit may have no number
            address = (self.commune.astype(np.int64) * 1_000_003 + self.street) * 1_000_033 + self.number
            address = np.where(full, address & 0x3FFFFFFFFFFFFFF, -1)
            names = self.surnames
            rows, slots = np.nonzero((names >= 0) & full[:, None])
            # a building where many families live is no household: two unrelated residents
            # with one first name would pass for a married woman and her husband's name
            pair_address, pair_name = address[rows], names[rows, slots]
            distinct = np.unique(np.stack([pair_address, pair_name]), axis=1)[0]
            addresses, families = np.unique(distinct, return_counts=True)
            crowded = addresses[families > HOUSEHOLD_MAX_SURNAMES]
            address = np.where(np.isin(address, crowded), -1, address)
            keep = ~np.isin(pair_address, crowded)
            keys = np.sort(household_key(pair_address[keep], pair_name[keep]))
            self.memo["household"] = address
            self.memo["household_keys"] = keys
        return self.memo["household"], self.memo["household_keys"]

    def frequencies(self, what: str) -> np.ndarray:
        """Relative frequency of each code among the records' non-missing values, by vocabulary:
        ``surname`` (all three slots), ``first_names`` (the set) or ``first_name``."""
        if what not in self.memo:
            if what == "surname":
                s = self.surnames  # the three slots of a record never hold the same name twice
                codes = s[s >= 0]
                size = len(self.vocabs.surname)
            elif what == "first_name":  # every word of the first names
                lengths, offsets, flat = self.vocabs.fn_token_arrays()
                fn = self.first_names[self.first_names >= 0]
                reps = lengths[fn]
                within = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
                codes = flat[np.repeat(offsets[fn], reps) + within]
                size = len(self.vocabs.first_name)
            else:
                arr = getattr(self, what)
                codes = arr[arr >= 0]
                size = len(getattr(self.vocabs, what))
            counts = np.bincount(codes, minlength=size).astype(np.float64)
            self.memo[what] = counts / max(codes.size, 1)
        freq = self.memo[what]
        return freq

    def first_name_sexes(self) -> np.ndarray:
        """(first-name words, 2): how many records stating their sex give each first first name,
        as men (column 0) and as women (column 1). A new record's word has no row."""
        if "first_name_sexes" not in self.memo:
            stated = (self.sex > 0) & (self.first_name >= 0)
            codes = self.first_name[stated].astype(np.int64) * 2 + (self.sex[stated] - 1)
            counts = np.bincount(codes, minlength=2 * len(self.vocabs.first_name))
            self.memo["first_name_sexes"] = counts.reshape(-1, 2)
        return self.memo["first_name_sexes"]

    def describe(self, i: int) -> dict[str, Any]:
        """The normalised values of one record (for explanations and debugging)."""
        v = self.vocabs

        def s(vocab: Vocab, code: int) -> str | None:
            return vocab.values[code] if code >= 0 else None

        dob = int(self.birth_date[i])
        return {
            "source": v.source.values[self.source[i]],
            "id": self.ids[i],
            "nom_naissance": s(v.surname, self.sur_birth[i]),
            "nom_usage": s(v.surname, self.sur_usage[i]),
            "nom": s(v.surname, self.sur_last[i]),
            "prenoms": s(v.first_names, self.first_names[i]),
            "sexe": {1: "M", 2: "F"}.get(int(self.sex[i])),
            "date_naissance": (f"{dob % 100:02d}/{dob // 100 % 100:02d}/{dob // 10000}" if dob else None),
            "lieu_naissance": s(v.place, self.birth_place[i]),
            "numero": s(v.number, self.number[i]),
            "voie": s(v.street, self.street[i]),
            "code_postal": s(v.postcode, self.postcode[i]),
            "commune": s(v.commune, self.commune[i]),
            "identifiant": s(v.identifier, self.identifier[i]),
        }


_COLUMNS = (
    "source", "sur_birth", "sur_usage", "sur_last", "first_names", "first_name", "sex", "birth_date",
    "birth_place", "number", "street", "commune", "postcode", "departement", "identifier",
)


def _map_unique(values: list[Any], fn: Callable[[Any], Any]) -> tuple[list[Any], np.ndarray]:
    uniq, inverse = _factorize(values)
    return [fn(u) for u in uniq], inverse


def _codes(per_unique: list[int], inverse: np.ndarray) -> np.ndarray:
    if not per_unique:
        return np.full(len(inverse), MISSING, np.int32)
    return np.asarray(per_unique, dtype=np.int32).reshape(-1)[inverse]


_PLACE_WITH_DEPARTEMENT = re.compile(r"^(.*?)[\s-]*\(\s*(\d{2,3}|2A|2B)\s*\)$", re.IGNORECASE)
_INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
#: "MAROC (99350)": a place with its INSEE code (a country's, abroad) in brackets
_CODE_IN_BRACKETS = re.compile(r"\(\s*(\d{5}|2[AB]\d{3})\s*\)")
#: words typed before the place itself: "NE A LYON", "NEE EN ALGERIE", "NE AU MAROC"
_BORN_AT = re.compile(r"^NEE? (?:(A|AU|AUX|EN|DANS) (?:LE |LA |L )?)?")
#: the département's number before or after the name, without brackets: "75 PARIS", "LYON 69"
_DEPARTEMENT_FIRST = re.compile(r"^(\d{2,3}|2A|2B) (\D.*)$")
_DEPARTEMENT_LAST = re.compile(r"^(\D.*?) (\d{2,3}|2A|2B)$")


def _raw_place(raw: str | None) -> str | None:
    """A birth place without the reference: "?" + the folded text ("NE A …" left out)."""
    rest = _BORN_AT.sub("", fold(raw)) if raw else ""
    return "?" + rest if rest else None


def _place(raw: str | None) -> str | None:
    """INSEE code of a birth place's commune, or "?" + the folded text (abroad, unknown).

    The place may be an INSEE code (75115), a name (an arrondissement's gives its city: PARIS
    15E ARRONDISSEMENT and PARIS are 75056, so is a commune déléguée's its commune nouvelle),
    or "HERGNIES (59)", "59 HERGNIES", "HERGNIES 59": the département picks the commune among
    those of that name; "NE A …" before it is no part of it; a code in brackets is the commune's
    postal or INSEE code, but a country's ("MAROC (99350)") leaves the name."""
    if not raw:
        return None
    reference = load_reference()
    if code := _CODE_IN_BRACKETS.search(raw):
        before = raw[: code.start()].strip()
        if not before:
            return _place(code.group(1))
        if found := _commune_with_code(before, code.group(1)):
            return found
        raw = before  # a country's code: its name, as the other side writes it
    text = raw.strip().upper()
    if _INSEE_CODE.match(text):
        return reference.municipality(text) if reference.commune(text) else "?" + text
    names, departement = _names_and_departement(raw)
    for name in names:
        commune = reference.find(name, None) or reference.find(strip_arrondissement(fold(name)), None)
        if commune is None and departement:
            commune = reference.named_in_departement(name, departement.zfill(2))
        if commune is not None:
            return reference.municipality(commune.code_insee)
    rest = _BORN_AT.sub("", fold(raw))
    return "?" + rest if rest else None


def _commune_with_code(name: str, code: str) -> str | None:
    """The commune ``name`` whose postal code (ROUBAIX (59100)) or INSEE code (MARSEILLE (13055))
    is ``code``, else None."""
    reference = load_reference()
    if by_postcode := reference.find(name, code):
        return reference.municipality(by_postcode.code_insee)
    named = reference.commune(code)
    return reference.municipality(named.code_insee) if named and fold(named.nom) == fold(name) else None


def _names_and_departement(raw: str) -> tuple[list[str], str | None]:
    """The names a birth place may be read as, best first, and the département written with it:
    "HERGNIES (59)", "59 HERGNIES", "NE A HERGNIES"; "NE AU HAVRE" is LE HAVRE (AU is À LE),
    then HAVRE ("NE AU MAROC")."""
    if match := _PLACE_WITH_DEPARTEMENT.match(raw.strip()):
        name, departement = _BORN_AT.sub("", fold(match.group(1))), match.group(2).upper()
    else:
        name, departement = _BORN_AT.sub("", fold(raw)), None
        if match := _DEPARTEMENT_FIRST.match(name):
            departement, name = match.group(1), match.group(2)
        elif match := _DEPARTEMENT_LAST.match(name):
            name, departement = match.group(1), match.group(2)
    born = _BORN_AT.match(fold(raw))
    article = {"AU": "LE ", "AUX": "LES "}.get(born.group(1) or "", "") if born else ""
    return ([article + name, name] if article else [name]), departement


def _first_names_of_the_data(v: Vocabularies, first_names: np.ndarray,
                             surnames: tuple[np.ndarray, ...]) -> frozenset[str]:
    """Words given as first names by at least three records, more often than as a surname: the
    first names of this population beyond the vendored list (MARGARET, ADELAIDE)."""
    codes, counts = np.unique(first_names[first_names >= 0], return_counts=True)
    as_first: dict[int, int] = {}
    for code, count in zip(codes.tolist(), counts.tolist(), strict=False):
        for word in v.fn_tokens_of[code]:
            as_first[word] = as_first.get(word, 0) + count
    slots = np.concatenate(surnames)
    names, name_counts = np.unique(slots[slots >= 0], return_counts=True)
    as_surname = dict(zip((v.surname.values[c] for c in names.tolist()), name_counts.tolist(), strict=False))
    words = v.first_name.values
    return frozenset(words[w] for w, c in as_first.items() if c >= 3 and c > as_surname.get(words[w], 0))


def _learn_glued_orders(
    v: Vocabularies, glued_sources: list[str], glued_names: list[Any], sources: list[str], known: frozenset[str]
) -> None:
    """Learn how each source that gives no first names (nine records in ten at least, twenty at
    least) writes them in its name field (:func:`~matching.names.glued_order`)."""
    records_of = Counter(sources)
    names_of: dict[str, list[str]] = {}
    for s, raw in zip(glued_sources, glued_names, strict=False):
        if raw and s not in v.glued_orders:
            names_of.setdefault(s, []).append(raw)
    for s, names in names_of.items():
        if len(names) >= max(20, 0.9 * records_of[s]) and (order := glued_order(set(names), known)):
            v.glued_orders[s] = order


def _departements_of_the_data(v: Vocabularies, departements: np.ndarray) -> frozenset[str]:
    """The départements that hold at least 1 % of the records whose commune is known (3 at least)."""
    codes, counts = np.unique(departements[departements >= 0], return_counts=True)
    floor = max(3, 0.01 * counts.sum())
    return frozenset(v.departement.values[c]
                     for c, k in zip(codes.tolist(), counts.tolist(), strict=False) if k >= floor)


def _street_before_commune(
    v: Vocabularies, key: tuple[Any, Any, tuple[str, ...]], departements: frozenset[str], first_names: frozenset[str]
) -> tuple[int, int, int, int] | None:
    """(number, street, commune and département codes) of address lines whose last line ends
    with a commune's name (:func:`~matching.addresses.trailing_commune`), else None."""
    number, street, lines = key
    written = [street, *lines]
    for j in reversed(range(len(written))):
        if written[j] and (found := trailing_commune(written[j], departements, first_names)) is not None:
            written[j], commune = found
            num, st = split_address(written, number)
            municipality = load_reference().municipality(commune.code_insee)
            return (v.number.add(num), v.street.add(street_key(st)), v.commune.add(municipality),
                    v.departement.add(commune.departement))
    return None


def _departement(insee: str | None, postcode: str | None) -> str | None:
    """The département of a commune; of a postal code the reference does not know, its first two
    characters: French-like for five digits, "?" + them otherwise (a region abroad, never a
    French département)."""
    if insee:
        return insee[:3] if insee.startswith("97") else insee[:2]
    if not postcode:
        return None
    return postcode[:2] if len(postcode) == 5 and postcode.isdigit() else "?" + postcode[:2]


def _lines(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def build_table(
    records: Sequence[Record],
    vocabs: Vocabularies | None = None,
    date_format: str | None = None,
    reference: bool = True,
) -> RecordTable:
    """Normalise ``records`` into a :class:`RecordTable` (codes added to ``vocabs`` if given).
    ``reference`` off: places are compared as written, never looked up among French communes."""
    v = vocabs or Vocabularies()
    n = len(records)

    def col(name: str) -> list[Any]:
        return list(map(attrgetter(name), records))

    # --- names -------------------------------------------------------------------------
    def parsed_codes(name: str, default_role: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        def parse(raw: Any) -> tuple[int, int, int, int]:
            p = parse_surname(raw)
            unknown = v.surname_code(p.unknown)
            birth, usage = v.surname_code(p.birth), v.surname_code(p.usage)
            if default_role == "birth" and birth < 0:
                birth, unknown = unknown, MISSING
            elif default_role == "usage" and usage < 0:
                usage, unknown = unknown, MISSING
            return birth, usage, unknown, _SEX_CODE.get(p.sex or "", 0)

        per, inverse = _map_unique(col(name), parse)
        arr = np.asarray(per, dtype=np.int32).reshape(-1, 4)[inverse] if per else np.full((n, 4), MISSING, np.int32)
        return arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]

    l_birth, l_usage, l_unknown, l_sex = parsed_codes("last_name", "unknown")
    b_birth, b_usage, _, b_sex = parsed_codes("birth_name", "birth")
    u_birth, u_usage, _, u_sex = parsed_codes("usage_name", "usage")

    # --- first names and sex -------------------------------------------------------------
    def parse_fn(raw: Any) -> tuple[int, int, int]:
        names, sex = parse_first_names(raw)
        code = v.first_names_code(names)
        first = v.fn_tokens_of[code][0] if code >= 0 and v.fn_tokens_of[code] else MISSING
        return code, first, _SEX_CODE.get(sex or "", 0)

    per, inverse = _map_unique(col("first_names"), parse_fn)
    fn = np.asarray(per, dtype=np.int32).reshape(-1, 3)[inverse] if per else np.full((n, 3), MISSING, np.int32)
    # a first name typed at the end of the name field ("DUPONT JEAN", "DURAND NEE MARTIN SOPHIE")
    # when the first-name field is empty: the name field is read without it
    glued = np.nonzero(fn[:, 0] < 0)[0]
    if vocabs is None or glued.size:
        v.population_first_names |= _first_names_of_the_data(
            v, fn[:, 0], (l_birth, l_usage, l_unknown, b_birth, u_usage))
    if glued.size:
        known = usual_first_names() | v.population_first_names
        raw_names, sources = col("last_name"), col("source")
        _learn_glued_orders(v, [sources[i] for i in glued.tolist()], [raw_names[i] for i in glued.tolist()],
                            sources, known)
        split_of: dict[Any, tuple[int, int, int, int] | None] = {}
        for i in glued.tolist():
            raw, order = raw_names[i], v.glued_orders.get(sources[i])
            if (raw, order) not in split_of:
                split = split_glued_first_name(raw, known, order)
                if split is None:
                    split_of[raw, order] = None
                else:
                    p = parse_surname(split[0])
                    split_of[raw, order] = (v.surname_code(p.birth), v.surname_code(p.usage),
                                            v.surname_code(p.unknown), v.first_names_code(split[1]))
            if (found := split_of[raw, order]) is not None:
                l_birth[i], l_usage[i], l_unknown[i], fn[i, 0] = found
                fn[i, 1] = v.fn_tokens_of[found[3]][0]
    birth = np.where(b_birth >= 0, b_birth, np.where(l_birth >= 0, l_birth, u_birth))
    usage = np.where(u_usage >= 0, u_usage, np.where(b_usage >= 0, b_usage, l_usage))
    usage = np.where(usage == birth, MISSING, usage)
    last = np.where((l_unknown == birth) | (l_unknown == usage), MISSING, l_unknown).astype(np.int32)
    per_sex, inv_sex = _map_unique(col("sex"), lambda raw: _SEX_CODE.get(parse_sex(raw) or "", 0))
    sex = np.asarray(per_sex, dtype=np.int8)[inv_sex]
    for hint in (l_sex, b_sex, u_sex, fn[:, 2]):
        sex = np.where(sex == 0, hint, sex).astype(np.int8)

    # --- dates, places, identifiers ------------------------------------------------------
    per, inverse = _map_unique(col("birth_date"), lambda raw: parse_birth_date(raw, date_format))
    dob = np.asarray(per, dtype=np.int32)[inverse]
    place_of = _place if reference else _raw_place
    per, inverse = _map_unique(col("birth_place"), lambda raw: v.place.add(place_of(raw)))
    place = _codes(per, inverse)
    per, inverse = _map_unique(
        col("identifier"), lambda raw: v.identifier.add(fold(raw).replace(" ", "") if raw else None)
    )
    identifier = _codes(per, inverse)
    per, inverse = _map_unique(col("source"), v.source.add)
    source = np.asarray(per, dtype=np.int16)[inverse]

    # --- addresses -------------------------------------------------------------------------
    localities: list[tuple[str | None, str | None]] = []  # postal code and city written in the lines

    def parse_street(key: tuple[Any, Any, tuple[str, ...]]) -> tuple[int, int, int]:
        number, street, lines = key
        num, st = split_address([street, *lines], number)
        pc, city = address_locality([street, *lines])
        if pc or city:
            localities.append((pc, city))
        return v.number.add(num), v.street.add(street_key(st)), (len(localities) - 1 if pc or city else MISSING)

    street_keys = list(zip(col("street_number"), col("street"), map(_lines, col("address")), strict=False))
    per, inverse = _map_unique(street_keys, parse_street)
    st = np.asarray(per, dtype=np.int32).reshape(-1, 3)[inverse] if per else np.full((n, 3), MISSING, np.int32)
    postcodes, cities = col("postcode"), col("city")
    for i in np.nonzero(st[:, 2] >= 0)[0].tolist():
        postcodes[i], cities[i] = with_locality(postcodes[i], cities[i], localities[st[i, 2]])

    def parse_commune(key: tuple[Any, Any]) -> tuple[int, int, int]:
        pc, insee, city = normalise_commune(*key, reference)
        commune = insee or ("?" + city if city else None)
        return v.commune.add(commune), v.postcode.add(pc), v.departement.add(_departement(insee, pc))
    per, inverse = _map_unique(list(zip(postcodes, cities, strict=False)), parse_commune)
    cm = np.asarray(per, dtype=np.int32).reshape(-1, 3)[inverse] if per else np.full((n, 3), MISSING, np.int32)

    # a commune written at the end of an address line without postal code ("151 R JULES FERRY
    # PLOUENAN"): looked for among the départements where the records live only
    if vocabs is None:
        v.population_departements = _departements_of_the_data(v, cm[:, 2])
    bare = np.nonzero((cm[:, 0] < 0) & (st[:, 1] >= 0))[0]
    if reference and bare.size and (departements := v.population_departements):
        first_names = usual_first_names()
        read: dict[tuple[Any, Any, tuple[str, ...]], tuple[int, int, int, int] | None] = {}
        for i in bare.tolist():
            key = street_keys[i]
            if key not in read:
                read[key] = _street_before_commune(v, key, departements, first_names)
            if (found := read[key]) is not None:
                st[i, 0], st[i, 1], cm[i, 0], cm[i, 2] = found

    return RecordTable(
        vocabs=v,
        ids=[str(r.id) for r in records],
        source=source,
        sur_birth=birth.astype(np.int32),
        sur_usage=usage.astype(np.int32),
        sur_last=last.astype(np.int32),
        first_names=fn[:, 0].copy(),
        first_name=fn[:, 1].copy(),
        sex=sex,
        birth_date=dob,
        birth_place=place,
        number=st[:, 0].copy(),
        street=st[:, 1].copy(),
        commune=cm[:, 0].copy(),
        postcode=cm[:, 1].copy(),
        departement=cm[:, 2].copy(),
        identifier=identifier,
    )


def surname_phonetic_codes(table: RecordTable) -> np.ndarray:
    """(n, 3) phonetic codes of the three surname slots (``-1`` when missing)."""
    return table.vocabs.surname_phon_array()[table.surnames]  # code -1 picks the trailing MISSING
