"""Blocking: candidate pairs are the pairs of records that agree on at least one key, over several
keys in union, so that a person is still found when any one field is wrong or missing.

A rule is a tuple of *key parts*; a record gets one key per combination of its values (a woman
with a birth name and a usage name, or with three first names, gets several keys), so a rule on
``surname`` also pairs a birth name with the other record's usage name.

Key parts:

=======================  ======================================================================
``surname``              every surname of the record (birth, usage, unknown kind)
``surname_phonetic``     their French phonetic keys
``surname_initial``      the initial of every surname
``first_name``           every first name (word) of the record
``first_name_phonetic``  their phonetic keys
``first_name_first``     the first first name only
``first_name_initial``   the initial of every first name
``name_pair``            each surname with each first name, unordered (phonetic keys): the same
                         for MICHEL PIERRE and, typed in each other's field, PIERRE MICHEL
``birth_date``           the birth date (complete or partial)
``birth_year``           the year of birth
``birth_monthday``       the day and month of a complete birth date (a typo in the year keeps it)
``birth_date_digits``    the eight digits of a complete birth date, sorted: two swapped digits
                         and day and month swapped keep it
``commune``              the commune (INSEE code, repaired), or the city as typed
``postcode``             the postal code (repaired; as written when the reference does not know it)
``postcode_unknown``     the postal code of a record whose place the reference does not know (as
                         written: abroad, or the reference switched off); nothing otherwise
``commune_unknown``      the town as typed, of a record whose place the reference does not know
                         (abroad, or the reference switched off); nothing otherwise
``departement``          the département of the commune
``street``               the street (normalised)
``street_skeleton``      the street's distinct consonants (a typo in a vowel, a doubled letter
                         or two swapped letters keep it)
``number``               the street number
``identifier``           the shared identifier
``sex``                  the sex
=======================  ======================================================================
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .table import MISSING, RecordTable

KEY_PARTS = (
    "surname", "surname_phonetic", "surname_initial", "first_name", "first_name_phonetic", "first_name_first",
    "first_name_initial", "name_pair",
    "birth_date", "birth_year", "birth_monthday", "birth_date_digits", "commune", "postcode", "postcode_unknown",
    "commune_unknown", "departement", "street", "street_skeleton", "number",
    "identifier", "sex",
)
#: key part → table columns it reads (to leave those comparisons out of an EM session)
PART_COLUMNS: dict[str, tuple[str, ...]] = {
    "surname": ("sur_birth", "sur_usage", "sur_last"),
    "surname_phonetic": ("sur_birth", "sur_usage", "sur_last"),
    "surname_initial": ("sur_birth", "sur_usage", "sur_last"),
    "first_name": ("first_names", "first_name"),
    "first_name_phonetic": ("first_names", "first_name"),
    "first_name_first": ("first_names", "first_name"),
    "first_name_initial": ("first_names", "first_name"),
    "name_pair": ("sur_birth", "sur_usage", "sur_last", "first_names", "first_name"),
    "birth_date": ("birth_date",),
    "birth_year": ("birth_date",),
    "birth_monthday": ("birth_date",),
    "birth_date_digits": ("birth_date",),
    "commune": ("commune",),
    "postcode": ("postcode",),
    "postcode_unknown": ("postcode",),
    "commune_unknown": ("commune",),
    "departement": ("departement",),
    "street": ("street",),
    "street_skeleton": ("street",),
    "number": ("number",),
    "identifier": ("identifier",),
    "sex": ("sex",),
}


@dataclass(frozen=True)
class BlockingRule:
    """Records agreeing on every part of ``parts`` become candidate pairs. Blocks larger than
    ``max_block_size`` records are skipped (and counted in the statistics)."""

    name: str
    parts: tuple[str, ...]
    max_block_size: int = 2000

    def __post_init__(self) -> None:
        unknown = [p for p in self.parts if p not in KEY_PARTS]
        if unknown:
            raise ValueError(f"partie de clé de blocage inconnue : {', '.join(unknown)}")

    def columns(self) -> set[str]:
        return {c for p in self.parts for c in PART_COLUMNS[p]}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "parts": list(self.parts), "max_block_size": self.max_block_size}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BlockingRule:
        return cls(data["name"], tuple(data["parts"]), int(data.get("max_block_size", 2000)))


def default_blocking_rules() -> list[BlockingRule]:
    return [
        BlockingRule("nom+date", ("surname_phonetic", "birth_date")),
        BlockingRule("prenom+date", ("first_name_phonetic", "birth_date")),
        BlockingRule("nom+prenom+departement", ("surname_phonetic", "first_name_phonetic", "departement")),
        BlockingRule("nom+prenom+annee", ("surname_phonetic", "first_name_phonetic", "birth_year")),
        BlockingRule("nom+voie", ("surname", "street", "commune")),
        BlockingRule("date+commune", ("birth_date", "commune")),
        BlockingRule("prenom+voie", ("first_name_phonetic", "street", "commune")),
        BlockingRule("identifiant", ("identifier",)),
        # one address and one initial: typos in the name, the first name and the street at once
        BlockingRule("adresse+initiale", ("street_skeleton", "number", "commune", "first_name_initial")),
        # names typed in each other's field: only these two rules pair them
        BlockingRule("noms+departement", ("name_pair", "departement")),
        BlockingRule("noms+annee", ("name_pair", "birth_year")),
        # fallbacks that need no reference and survive one typo in the date: with the year
        # (above), one of these two keeps every date that differs by one digit, two swapped
        # digits or day and month swapped
        BlockingRule("nom+prenom+jour-mois", ("surname_phonetic", "first_name_phonetic", "birth_monthday")),
        BlockingRule("nom+chiffres-date", ("surname_phonetic", "birth_date_digits")),
        BlockingRule("prenom+chiffres-date", ("first_name_phonetic", "birth_date_digits")),
        # the postal code as written, where the reference does not know the place (abroad,
        # towns typed freely, reference switched off): the commune keys above then hold only
        # the town as typed
        BlockingRule("nom+code-postal", ("surname_phonetic", "postcode_unknown")),
        BlockingRule("prenom+code-postal", ("first_name_phonetic", "postcode_unknown")),
        BlockingRule("nom+prenom+squelette-voie", ("surname_phonetic", "first_name_phonetic", "street_skeleton")),
        BlockingRule("adresse+initiale+code-postal",
                     ("street_skeleton", "number", "postcode_unknown", "first_name_initial")),
        # typos in the names and in the place at once (issue 23): the date with the street, the
        # number or the initials; the year or the day and month (a typo in the other) with the
        # street and its number — few pairs, since a date is nearly a person
        BlockingRule("date+squelette-voie", ("birth_date", "street_skeleton")),
        BlockingRule("date+numero", ("birth_date", "number")),
        BlockingRule("date+initiales", ("birth_date", "first_name_initial", "surname_initial")),
        BlockingRule("annee+squelette-voie+numero", ("birth_year", "street_skeleton", "number")),
        BlockingRule("jour-mois+squelette-voie+numero", ("birth_monthday", "street_skeleton", "number")),
        BlockingRule("nom+numero+commune", ("surname_phonetic", "number", "commune")),
        # a place the reference does not know has no département to narrow a key: the town or
        # postal code as typed does, with the street, the number and initials (nothing on
        # places the reference knows)
        BlockingRule("squelette-voie+ville+initiale-nom", ("street_skeleton", "commune_unknown", "surname_initial")),
        BlockingRule("squelette-voie+ville+initiale", ("street_skeleton", "commune_unknown", "first_name_initial")),
        BlockingRule("numero+ville+initiales", ("number", "commune_unknown", "first_name_initial", "surname_initial")),
        BlockingRule("numero+code-postal+initiales",
                     ("number", "postcode_unknown", "first_name_initial", "surname_initial")),
        BlockingRule("prenom+numero+ville", ("first_name_phonetic", "number", "commune_unknown")),
        BlockingRule("squelette-voie+code-postal", ("street_skeleton", "postcode_unknown")),
    ]


# --- key values --------------------------------------------------------------------------------


def part_values(table: RecordTable, part: str) -> tuple[np.ndarray, np.ndarray]:
    """(record index, value) rows of one key part, missing values left out."""
    n = len(table)
    v = table.vocabs
    if part in ("surname", "surname_phonetic"):
        s = table.surnames
        if part == "surname_phonetic":
            s = v.surname_phon_array()[s]
        rec = np.repeat(np.arange(n), 3)
        val = s.reshape(-1).astype(np.int64)
        ok = val >= 0
        rec, val = rec[ok], val[ok]
        return rec, val  # a record's repeated keys are dropped when blocks are formed
    if part == "surname_initial":
        rec, names = part_values(table, "surname")
        return rec, v._derived("surname initials", v.surname.values, lambda x: ord(x[0]), np.int64, MISSING)[names]
    if part == "name_pair":
        srec, sval = part_values(table, "surname_phonetic")
        frec, fval = part_values(table, "first_name_phonetic")
        rec, i, j = _per_record_product(srec, frec, n)
        a = v.phonetic_hashes("surname_phonetic")[sval[i]]
        b = v.phonetic_hashes("first_name_phonetic")[fval[j]]
        key = _splitmix(np.minimum(a, b)) ^ _splitmix(np.maximum(a, b) + np.uint64(1))
        return rec, key.view(np.int64)
    if part == "first_name_initial":
        rec, words = part_values(table, "first_name")
        return rec, v.first_name_initials()[words]
    if part in ("first_name", "first_name_phonetic"):
        all_lengths, offsets, flat = v.fn_token_arrays()
        codes = table.first_names
        lengths = all_lengths[codes]
        has = codes >= 0
        rec = np.repeat(np.arange(n)[has], lengths[has])
        starts = offsets[codes[has]]
        within = np.arange(len(rec)) - np.repeat(np.cumsum(lengths[has]) - lengths[has], lengths[has])
        val = flat[np.repeat(starts, lengths[has]) + within]
        if part == "first_name_phonetic":
            val = v.fn_phon_array()[val]
        return rec, val
    if part in ("birth_monthday", "birth_date_digits"):
        d = np.asarray(table.birth_date, dtype=np.int64)
        rec = np.nonzero((d % 100 > 0) & (d // 100 % 100 > 0))[0]
        d = d[rec]
        if part == "birth_monthday":
            return rec, d % 10000
        digits = np.sort((d[:, None] // 10 ** np.arange(8)) % 10, axis=1)
        return rec, (digits * 10 ** np.arange(8)).sum(axis=1)
    if part == "postcode_unknown":
        _, unresolved = v.commune_names()
        rec = np.nonzero((table.postcode >= 0) & ((table.commune < 0) | unresolved[table.commune]))[0]
        return rec, np.asarray(table.postcode[rec], dtype=np.int64)
    if part == "commune_unknown":
        _, unresolved = v.commune_names()
        rec = np.nonzero(table.commune >= 0)[0]
        rec = rec[unresolved[table.commune[rec]]]
        return rec, np.asarray(table.commune[rec], dtype=np.int64)
    if part == "street_skeleton":
        rec = np.nonzero(table.street >= 0)[0]
        return rec, v.street_skeleton_hashes()[table.street[rec]].view(np.int64)
    single = {
        "first_name_first": table.first_name,
        "birth_date": table.birth_date,
        "birth_year": table.birth_date // 10000,
        "commune": table.commune,
        "postcode": table.postcode,
        "departement": table.departement,
        "street": table.street,
        "number": table.number,
        "identifier": table.identifier,
        "sex": table.sex,
    }[part]
    arr = np.asarray(single, dtype=np.int64)
    missing = arr <= 0 if part in ("birth_date", "birth_year", "sex") else arr < 0
    rec = np.nonzero(~missing)[0]
    return rec, arr[rec]


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _splitmix(x: np.ndarray) -> np.ndarray:
    """64-bit finaliser (splitmix64): spreads every input bit over the whole key."""
    with np.errstate(over="ignore"):
        x = x + _MIX
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def rule_keys(table: RecordTable, rule: BlockingRule,
              values: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(record index, 64-bit key) rows of a rule: one row per combination of the parts' values.
    ``values``: the parts' values already worked out for ``table``, filled as they are (the daily
    flow looks one record up by every rule: the rules share most of their parts)."""

    def of(part: str) -> tuple[np.ndarray, np.ndarray]:
        if values is None:
            return part_values(table, part)
        if part not in values:
            values[part] = part_values(table, part)
        return values[part]

    rec, key = of(rule.parts[0])
    key = _splitmix(key.astype(np.uint64))
    for part in rule.parts[1:]:
        if rec.size == 0:  # no key (a place the reference knows, for an "unknown place" rule)
            break
        prec, pval = of(part)
        rec, a, b = _per_record_product(rec, prec, len(table))
        key = _splitmix(key[a] ^ _splitmix(pval[b].astype(np.uint64) + np.uint64(1)))
    return rec, key


def _per_record_product(rec_a: np.ndarray, rec_b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every combination, record by record, of the rows ``rec_a`` and ``rec_b`` (record indices of
    two value lists): (record, row in a, row in b)."""
    order = np.argsort(rec_b, kind="stable")
    counts = np.bincount(rec_b, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rep = counts[rec_a]
    a = np.repeat(np.arange(len(rec_a)), rep)
    within = np.arange(len(a)) - np.repeat(np.cumsum(rep) - rep, rep)
    b = order[starts[rec_a[a]] + within]
    return rec_a[a], a, b


# --- pairs -------------------------------------------------------------------------------------


@dataclass
class RuleStats:
    name: str
    pairs: int  # distinct pairs this rule produces
    new_pairs: int  # pairs that no earlier rule produced
    skipped_blocks: int
    skipped_records: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def sorted_unique(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: faster than hashing for large integer arrays)."""
    codes = np.sort(codes)
    if codes.size:
        keep = np.empty(codes.size, dtype=bool)
        keep[0] = True
        keep[1:] = codes[1:] != codes[:-1]
        codes = codes[keep]
    return codes


def _block_pairs(rec: np.ndarray, key: np.ndarray, max_block: int) -> tuple[np.ndarray, int, int]:
    """Sorted distinct pair codes ``i * 2**32 + j`` (i < j) of records sharing a key."""
    if rec.size == 0:
        return np.zeros(0, np.int64), 0, 0
    order = np.lexsort((rec, key))
    key, rec = key[order], rec[order]
    dup = np.zeros(len(rec), bool)
    dup[1:] = (key[1:] == key[:-1]) & (rec[1:] == rec[:-1])
    key, rec = key[~dup], rec[~dup]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(key)]]))
    too_big = sizes > max_block
    skipped_blocks = int(too_big.sum())
    skipped_records = int(sizes[too_big].sum())
    ok = (sizes >= 2) & ~too_big
    starts, sizes = starts[ok], sizes[ok]
    if starts.size == 0:
        return np.zeros(0, np.int64), skipped_blocks, skipped_records
    # every position p of a block pairs with the positions after it in the block
    pos_start = np.repeat(starts, sizes)
    pos_size = np.repeat(sizes, sizes)
    pos = pos_start + (np.arange(pos_start.size) - np.repeat(np.cumsum(sizes) - sizes, sizes))
    partners = pos_start + pos_size - 1 - pos
    left = np.repeat(pos, partners)
    right = left + 1 + (np.arange(left.size) - np.repeat(np.cumsum(partners) - partners, partners))
    a, b = rec[left].astype(np.int64), rec[right].astype(np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    codes = (lo << 32) | hi
    codes = codes[lo != hi]
    return sorted_unique(codes), skipped_blocks, skipped_records


def rule_pairs(table: RecordTable, rule: BlockingRule) -> tuple[np.ndarray, int, int]:
    rec, key = rule_keys(table, rule)
    return _block_pairs(rec, key, rule.max_block_size)


@dataclass
class CandidatePairs:
    left: np.ndarray  # int64 row indices, left < right
    right: np.ndarray
    rules: list[RuleStats]

    def __len__(self) -> int:
        return len(self.left)

    def chunks(self, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for start in range(0, len(self.left), size):
            yield self.left[start : start + size], self.right[start : start + size]


def candidate_pairs(table: RecordTable, rules: Sequence[BlockingRule]) -> CandidatePairs:
    """The union of the pairs of every rule, without duplicates."""
    union = np.zeros(0, np.int64)
    stats: list[RuleStats] = []
    for rule in rules:
        codes, sb, sr = rule_pairs(table, rule)
        if union.size and codes.size:
            pos = np.searchsorted(union, codes)
            seen = (pos < union.size) & (union[np.minimum(pos, union.size - 1)] == codes)
            new = codes[~seen]
        else:
            new = codes
        stats.append(RuleStats(rule.name, int(codes.size), int(new.size), sb, sr))
        if new.size:
            union = np.sort(np.concatenate([union, new]))
    return CandidatePairs(union >> 32, union & 0xFFFFFFFF, stats)


def blocking_recall(pairs: CandidatePairs, truth: np.ndarray) -> tuple[float, int, int]:
    """(recall, true pairs found, true pairs) given each row's true person (``-1`` = unknown)."""
    found = int(((truth[pairs.left] == truth[pairs.right]) & (truth[pairs.left] >= 0)).sum())
    t = truth[truth >= 0]
    _, counts = np.unique(t, return_counts=True)
    total = int((counts * (counts - 1) // 2).sum())
    return (found / total if total else 1.0), found, total
