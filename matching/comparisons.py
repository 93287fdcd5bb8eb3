"""The comparison library: for each field, named levels from the best agreement to the worst.

A comparison turns a batch of record pairs into one small integer per pair, the index of its
level. Level 0 is always "value missing on one side" and weighs nothing. Levels are computed on
whole numpy arrays of codes; strings are only scored (with rapidfuzz's vectorised ``cpdist``) for
the *distinct* pairs of values that need it.

Level flags:

* ``tf``: the weight of this level is adjusted by the frequency of the agreeing value (a common
  surname such as MARTIN weighs less than a rare one);
* ``veto``: a strong contradiction: the pair can never be linked (weight forced to
  :data:`VETO_WEIGHT`) and two records in this relation cannot share a cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from .dates import MIN_YEAR
from .names import transliterated
from .table import MISSING, RecordTable, Vocab, household_key

VETO_WEIGHT = -40.0


@dataclass(frozen=True)
class Level:
    name: str
    label: str  # French, shown to users
    tf: bool = False
    veto: bool = False
    #: the level weighs as this other level of the comparison (its m and u are copied after
    #: training): for agreements too rare among random pairs for u to be estimated
    same_as: str | None = None


@dataclass
class PairBatch:
    """Pairs of rows ``left[li[k]]`` / ``right[ri[k]]`` being compared."""

    left: RecordTable
    right: RecordTable
    li: np.ndarray
    ri: np.ndarray
    workers: int = 1
    reference: RecordTable | None = None  # table whose value frequencies apply (default: right)

    def __len__(self) -> int:
        return len(self.li)

    @property
    def reference_table(self) -> RecordTable:
        """The table whose value frequencies apply."""
        return self.right if self.reference is None else self.reference

    def frequency(self, what: str, codes: np.ndarray) -> np.ndarray:
        """Frequency of each code's value in the reference table (NaN for a value it lacks)."""
        freq = self.reference_table.frequencies(what)
        out = np.full(len(codes), np.nan)
        ok = (codes >= 0) & (codes < len(freq))
        out[ok] = freq[codes[ok]]
        out[ok & (out == 0)] = np.nan
        return out

    def col(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        return getattr(self.left, name)[self.li], getattr(self.right, name)[self.ri]


@dataclass
class LevelResult:
    levels: np.ndarray  # int8, one level index per pair
    tf_freq: np.ndarray | None = None  # frequency of the agreeing value where a tf level applies


#: how many of a vocabulary's most frequent values have their pairwise scores kept once for all
#: batches (a 2,048 × 2,048 matrix: 16 MB for each scorer)
FREQUENT_VALUES = 2048
#: a batch from which the frequent values are taken: large enough to tell them (the daily flow's
#: one-record batches compute every pair)
FREQUENT_PAIRS_BATCH = 100_000


@dataclass
class FrequentPairs:
    """Scores between the most frequent values of a vocabulary, computed once with
    ``rapidfuzz.process.cdist`` and then looked up: 2,048 first-name words make 99.9 % of the word
    pairs a batch compares, where sorting the pairs to score each distinct one once cost most of
    the time."""

    slot: np.ndarray  # code → row of the matrix, -1 for a value not among them
    matrix: np.ndarray

    @classmethod
    def build(cls, codes: np.ndarray, size: int, make: Callable[[np.ndarray], np.ndarray]) -> FrequentPairs | None:
        """From the codes (< ``size``) of a first large batch; ``make(top)`` gives the matrix of
        the values ``top`` against themselves. None where the frequent values would cover less
        than half of the batch's pairs (a vocabulary of mostly distinct values)."""
        counts = np.bincount(codes, minlength=size)
        top = np.argsort(-counts, kind="stable")[:FREQUENT_VALUES]
        top = top[counts[top] > 0]
        slot = np.full(len(counts), -1, np.int32)
        slot[top] = np.arange(len(top), dtype=np.int32)
        half = len(codes) // 2
        if ((slot[codes[:half]] >= 0) & (slot[codes[half:2 * half]] >= 0)).mean() < 0.5:
            return None
        return cls(slot, make(top))

    def lookup(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask of the pairs both of whose values are kept, their scores)."""
        highest = max(a.max(), b.max())
        if highest >= len(self.slot):  # the vocabulary grew since (daily flow)
            self.slot = np.concatenate([self.slot, np.full(highest + 1 - len(self.slot), -1, np.int32)])
        sa, sb = self.slot[a], self.slot[b]
        hit = (sa >= 0) & (sb >= 0)
        return hit, self.matrix[sa[hit], sb[hit]]


def pair_scores(
    vocab: Vocab,
    a: np.ndarray,
    b: np.ndarray,
    scorer: Callable[..., float],
    workers: int = 1,
    score_cutoff: float | None = None,
) -> np.ndarray:
    """Similarity of the strings of codes ``a[k]`` and ``b[k]`` (symmetric scorers only): looked up
    for pairs of frequent values (:class:`FrequentPairs`), otherwise computed once per distinct
    pair of codes with ``rapidfuzz.process.cpdist`` (``score_cutoff`` lets rapidfuzz stop early:
    scores beyond it are reported as 0, or cutoff + 1 for distances)."""
    if a.size == 0:
        return np.zeros(0, dtype=np.float32)
    key = (scorer, score_cutoff)
    if key not in vocab.memo and a.size >= FREQUENT_PAIRS_BATCH:
        def matrix(top: np.ndarray) -> np.ndarray:
            strings = vocab.strings(top)
            return process.cdist(strings, strings, scorer=scorer, dtype=np.float32, **_options(workers, score_cutoff))

        vocab.memo[key] = FrequentPairs.build(np.concatenate([a, b]), len(vocab), matrix)
    return through_frequent_pairs(
        vocab.memo.get(key), a, b, lambda x, y: _computed_scores(vocab, x, y, scorer, workers, score_cutoff)
    )


def through_frequent_pairs(
    frequent: FrequentPairs | None,
    a: np.ndarray,
    b: np.ndarray,
    compute: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """``compute(a, b)``, looked up in ``frequent`` for the pairs it holds."""
    if frequent is None:
        return compute(a, b)
    hit, found = frequent.lookup(a, b)
    out = np.empty(a.size, found.dtype)
    out[hit] = found
    rest = np.nonzero(~hit)[0]
    if rest.size:
        out[rest] = compute(a[rest], b[rest])
    return out


def _options(workers: int, score_cutoff: float | None) -> dict[str, Any]:
    """Keyword arguments of rapidfuzz's ``cdist`` / ``cpdist``."""
    return {"workers": workers} if score_cutoff is None else {"workers": workers, "score_cutoff": score_cutoff}


def _computed_scores(
    vocab: Vocab, a: np.ndarray, b: np.ndarray, scorer: Callable[..., float], workers: int,
    score_cutoff: float | None,
) -> np.ndarray:
    if a.size == 0:
        return np.zeros(0, dtype=np.float32)
    kw = _options(workers, score_cutoff)
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    codes = (lo << 32) | hi
    if codes.size > 200_000:
        sample = codes[:: codes.size // 20_000]
        if np.unique(sample).size > 0.7 * sample.size:  # mostly distinct: sorting would not pay
            return process.cpdist(vocab.strings(lo), vocab.strings(hi), scorer=scorer, **kw).astype(
                np.float32, copy=False
            )
    uniq, inverse = unique_inverse(codes)
    sa = vocab.strings(uniq >> 32)
    sb = vocab.strings(uniq & 0xFFFFFFFF)
    scores = process.cpdist(sa, sb, scorer=scorer, **kw).astype(np.float32, copy=False)
    return scores[inverse.reshape(-1)]


def unique_inverse(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and the index of each input in them (sort-based, fast for ints)."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    first = np.empty(len(codes), dtype=bool)
    first[:1] = True
    first[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(codes), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


class Comparison:
    """Base class. Subclasses set ``name``, ``label``, ``levels``, the table columns they read
    (``columns``, used to leave a comparison out of EM sessions whose blocking fixes it) and
    implement :meth:`compare`."""

    kind: ClassVar[str] = ""
    name: str
    label: str
    levels: tuple[Level, ...]
    columns: tuple[str, ...] = ()

    def compare(self, batch: PairBatch) -> LevelResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, **self.params()}

    def level_names(self) -> list[str]:
        return [lv.name for lv in self.levels]

    def veto_levels(self) -> np.ndarray:
        return np.array([lv.veto for lv in self.levels], dtype=bool)


def names_inverted(batch: PairBatch, idx: np.ndarray) -> np.ndarray:
    """For pairs ``idx``: surname and first names typed in each other's field on one side — each
    record's surname is one of the other's first names (or all of them) — as in nom « JEAN »,
    prénom « DUPONT » against DUPONT JEAN PIERRE, or « JEAN PAUL TANGUY » read as surname JEAN
    against TANGUY JEAN PAUL."""
    if idx.size == 0:
        return np.zeros(0, bool)
    v = batch.left.vocabs
    if idx.size >= 10_000:  # most surnames are no first name: look only at those that are
        like = v.surnames_spelt_as_first_names()[batch.left.surnames[batch.li[idx]]].any(axis=1)
        out = np.zeros(idx.size, bool)
        out[like] = _names_inverted(batch, idx[like])
        return out
    return _names_inverted(batch, idx)


def _names_inverted(batch: PairBatch, idx: np.ndarray) -> np.ndarray:
    v = batch.left.vocabs
    fa = batch.left.first_names[batch.li[idx]]
    fb = batch.right.first_names[batch.ri[idx]]
    ok = (fa >= 0) & (fb >= 0)
    if not ok.any():
        return np.zeros(idx.size, bool)
    # spellings (hashes), not codes: a name new to the vocabularies is compared as well as a known one
    surname_spelling = v.spelling_hashes("surname")
    first_names_spelling = v.first_names_spellings()  # (codes, 5): the whole, then each word
    sa = surname_spelling[batch.left.surnames[batch.li[idx]]]  # (m, 3), 0 where missing
    gb = first_names_spelling[fb]
    out = ok & ((sa[:, :, None] == gb[:, None, :]) & (sa[:, :, None] != 0)).any(axis=(1, 2))
    both = np.nonzero(out)[0]  # the other way round, only where this way holds (rare)
    sb = surname_spelling[batch.right.surnames[batch.ri[idx[both]]]]
    ga = first_names_spelling[fa[both]]
    out[both] = ((sb[:, :, None] == ga[:, None, :]) & (sb[:, :, None] != 0)).any(axis=(1, 2))
    return out


def _first_level(n: int, conditions: list[np.ndarray], default: int) -> np.ndarray:
    """Index (1-based, in list order) of the first true condition per row, else ``default``."""
    out = np.full(n, default, dtype=np.int8)
    for level in range(len(conditions), 0, -1):
        out[conditions[level - 1]] = level
    return out


# --- surnames ----------------------------------------------------------------------------------

_COMPAT = ((0, 0), (1, 1), (0, 2), (1, 2), (2, 0), (2, 1), (2, 2))  # same kind, or kind unknown
_CROSS = ((0, 1), (1, 0))  # birth name on one side = usage name on the other


@dataclass
class SurnameComparison(Comparison):
    """Birth, usage and unknown-kind surnames of both records against each other."""

    kind: ClassVar[str] = "surname"
    name: str = "surname"
    label: str = "Nom"
    fuzzy_threshold: float = 0.92
    columns: tuple[str, ...] = ("sur_birth", "sur_usage", "sur_last")
    levels: tuple[Level, ...] = (
        Level("null", "Nom absent d'un côté"),
        Level("exact", "Nom identique", tf=True),
        Level("cross", "Nom de naissance de l'un égal au nom d'usage de l'autre", tf=True),
        Level("part", "Une partie du nom composé identique (ou particule omise)"),
        Level("fuzzy", "Nom proche (faute de frappe)"),
        Level("phonetic", "Nom phonétiquement identique"),
        Level("household", "Noms différents, l'un porté par un autre membre du foyer (nom d'usage probable), "
              "premier prénom identique ou absent",
              same_as="exact"),
        Level("birth_differs", "Même nom d'usage, noms de naissance différents (deux épouses d'une même famille)",
              veto=True),
        Level("close", "Noms différents mais ressemblants (deux fautes de frappe ?)"),
        Level("other", "Noms différents"),
    )

    def params(self) -> dict[str, Any]:
        return {"fuzzy_threshold": self.fuzzy_threshold}

    @staticmethod
    def _household(batch: PairBatch, idx: np.ndarray) -> np.ndarray:
        """For pairs ``idx`` at one full address: does another record at that address carry the
        surname of one of them (the husband's name that his wife uses in another source)?"""
        right = batch.reference_table
        addr_l = batch.left.household_keys()[0][batch.li[idx]]
        addr_r = batch.right.household_keys()[0][batch.ri[idx]]
        same = (addr_l == addr_r) & (addr_l >= 0)
        out = np.zeros(len(idx), bool)
        if not same.any():
            return out
        _, keys = right.household_keys()
        for table, rows, own in ((batch.left, batch.li[idx], batch.left is right),
                                 (batch.right, batch.ri[idx], batch.right is right)):
            names = table.surnames[rows]
            for slot in range(names.shape[1]):
                code = names[:, slot]
                key = household_key(addr_l, code)
                count = np.searchsorted(keys, key, side="right") - np.searchsorted(keys, key, side="left")
                out |= same & (code >= 0) & (count - int(own) >= 1)
        return out

    def _likeness(self, batch: PairBatch, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """PART, FUZZY, PHONETIC or OTHER for pairs of different surname codes ``a[k]``, ``b[k]``."""
        v = batch.left.vocabs
        words, v_len = v.surname_words(), v.surname_lengths()
        part = np.zeros(len(a), bool)
        multi = np.nonzero((words[a] > 1) | (words[b] > 1))[0]  # only compound names have parts
        if multi.size:
            part[multi] = pair_scores(
                v.surname, a[multi], b[multi], fuzz.token_set_ratio, batch.workers, score_cutoff=100
            ) >= 100.0
        jw = pair_scores(
            v.surname, a, b, JaroWinkler.normalized_similarity, batch.workers, score_cutoff=self.fuzzy_threshold
        )
        length = np.minimum(v_len[a], v_len[b])
        dl = np.full(len(a), 99.0, np.float32)
        near = np.nonzero((jw < self.fuzzy_threshold) & (np.abs(v_len[a] - v_len[b]) <= 2) & (length >= 3))[0]
        if near.size:
            dl[near] = pair_scores(v.surname, a[near], b[near], DamerauLevenshtein.distance, batch.workers, 2)
        fuzzy = (jw >= self.fuzzy_threshold) | ((dl <= 1) & (length >= 4)) | ((dl <= 2) & (length >= 7))
        scanned = v.scan_key_hashes("surname")  # RNOREAU / MOREAU: two edits, one misreading
        fuzzy |= (scanned[a] == scanned[b]) & (length >= 4)
        phon = v.surname_phon_array()
        # two typing errors in a short name (ZHANG / HNG, WEBER / EWBEF): close, weighed apart
        close = (dl <= 2) & (length >= 3)
        levels = np.where(part, PART, np.where(fuzzy, FUZZY, np.where(phon[a] == phon[b], PHONETIC,
                                                                       np.where(close, CLOSE, OTHER))))
        return levels.astype(np.int8)

    def _birth_names_differ(self, batch: PairBatch, A: np.ndarray, B: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """Pairs equal by their usage names whose birth names, both known, differ beyond a typo, a
        cut or a part (SANTONI EP PAOLI against QUILICHINI EP PAOLI): two women married into one
        family. A name cut by a narrow field (DOS SANT, DOS SANTOS) or one part of a compound
        name (DE ROCCA, DE ROCCA SERRA) is no contradiction."""
        idx = np.nonzero((levels == EXACT) & (A[:, 0] >= 0) & (B[:, 0] >= 0) & (A[:, 0] != B[:, 0]))[0]
        out = np.zeros(len(levels), bool)
        if idx.size:
            a, b = A[idx, 0], B[idx, 0]
            differ = self._likeness(batch, a, b) >= CLOSE
            if differ.any():
                spelt = batch.left.vocabs.compact_keys("surname")
                sa, sb = spelt[a[differ]].astype(str), spelt[b[differ]].astype(str)
                differ[differ] = ~(np.char.startswith(sa, sb) | np.char.startswith(sb, sa))
            out[idx[differ]] = True
        return out

    def compare(self, batch: PairBatch) -> LevelResult:
        n = len(batch)
        A = batch.left.surnames[batch.li]
        B = batch.right.surnames[batch.ri]
        present = (A >= 0).any(axis=1) & (B >= 0).any(axis=1)
        matched = np.full(n, MISSING, dtype=np.int64)
        best = np.full(n, OTHER, dtype=np.int8)
        for slots, level in ((_COMPAT, EXACT), (_CROSS, CROSS)):
            for i, j in slots:
                eq = (A[:, i] == B[:, j]) & (A[:, i] >= 0) & (best > level)
                best[eq] = level
                matched[eq] = A[eq, i]
        rest = present & (best > CROSS)
        if rest.any():
            idx = np.nonzero(rest)[0]
            sels, aa, bb = [], [], []
            for i in range(3):
                for j in range(3):
                    a, b = A[idx, i], B[idx, j]
                    ok = (a >= 0) & (b >= 0)
                    if ok.any():
                        sels.append(idx[ok])
                        aa.append(a[ok])
                        bb.append(b[ok])
            if sels:
                likeness = self._likeness(batch, np.concatenate(aa), np.concatenate(bb))
                start = 0
                for sel in sels:  # one name of each side per sel: no pair twice in it
                    best[sel] = np.minimum(best[sel], likeness[start:start + sel.size])
                    start += sel.size
        levels = np.where(present, best, 0).astype(np.int8)
        levels[self._birth_names_differ(batch, A, B, levels)] = BIRTH_DIFFERS
        worst = np.nonzero(levels >= CLOSE)[0]
        if worst.size:
            levels[worst[names_inverted(batch, worst)]] = EXACT  # names typed in each other's field
            # the wife under her husband's name gives her own first first name; a daughter whose
            # middle name is her mother's first name (LAURA CELINE / CELINE) does not
            fa, fb = batch.col("first_name")
            worst = np.nonzero((levels >= CLOSE) & ((fa == fb) | (fa < 0) | (fb < 0)))[0]
            levels[worst[self._household(batch, worst)]] = HOUSEHOLD
        tf = None
        if (matched >= 0).any():
            tf = batch.frequency("surname", np.where(levels <= CROSS, matched, MISSING))
        return LevelResult(levels, tf)


def _level_numbers(levels: tuple[Level, ...], *names: str) -> tuple[int, ...]:
    """Positions of the named levels, for compare() methods that set levels by number."""
    order = [level.name for level in levels]
    return tuple(order.index(name) for name in names)


# the surname levels' numbers, by name (compare() above uses them)
EXACT, CROSS, PART, FUZZY, PHONETIC, HOUSEHOLD, BIRTH_DIFFERS, CLOSE, OTHER = _level_numbers(
    SurnameComparison.levels, "exact", "cross", "part", "fuzzy", "phonetic", "household", "birth_differs", "close",
    "other")


# --- first names -------------------------------------------------------------------------------

_FEMININE_ENDINGS = ("E", "NE", "LE", "TE", "INE", "ETTE", "ELLE", "IENNE", "N", "QUE", "A")


def gender_variant(a: str, b: str) -> bool:
    """JEAN/JEANNE, LOUIS/LOUISE, JULIE/JULIEN, FREDERIC/FREDERIQUE, ALEXANDRE/ALEXANDRA: a
    masculine first name and its feminine form (different first names, not a typing error)."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) < 3:
        return False
    if b.startswith(a) and b[len(a):] in _FEMININE_ENDINGS:
        return True
    return len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} == {"A", "E"}


# how two first-name words relate (bits of FirstNamesComparison._relations)
_TYPO, _PHONETIC, _INITIAL, _CLOSE = 1, 2, 4, 8


def _token_pairs(v: Any, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pair index, word code of a, word code of b) for every word of a × every word of b."""
    lengths, offsets, flat = v.fn_token_arrays()
    la, lb = lengths[a], lengths[b]
    reps = la * lb
    pair = np.repeat(np.arange(len(a)), reps)
    k = np.arange(pair.size) - np.repeat(np.cumsum(reps) - reps, reps)
    ia = k // lb[pair]
    ib = k % lb[pair]
    return pair, flat[offsets[a[pair]] + ia], flat[offsets[b[pair]] + ib]


def _word_pairs_where(vocab: Vocab, a: np.ndarray, b: np.ndarray, test: Callable[[str, str], bool]) -> np.ndarray:
    """``test`` of the words of codes ``a[k]``, ``b[k]``, called once per distinct pair."""
    words, inverse = unique_inverse(a * len(vocab) + b)
    sa, sb = vocab.strings(words // len(vocab)), vocab.strings(words % len(vocab))
    return np.fromiter(map(test, sa, sb), bool, count=len(sa))[inverse]


def _covered(pair: np.ndarray, ta: np.ndarray, tb: np.ndarray, related: np.ndarray, needed: np.ndarray,
             m: int) -> np.ndarray:
    """For each of ``m`` pairs of word lists: whether ``needed`` distinct words of each side take
    part in a ``related`` word pair (JEAN J / JEAN PAUL: J and JEAN both relate to JEAN only)."""
    def distinct_words(words: np.ndarray) -> np.ndarray:
        base = int(words.max(initial=0)) + 1
        kept = np.unique(pair[related].astype(np.int64) * base + words[related])
        return np.bincount(kept // base, minlength=m)

    return (distinct_words(ta) >= needed) & (distinct_words(tb) >= needed)


@dataclass
class FirstNamesComparison(Comparison):
    """Sets of first names, in any order; composed names equal to their parts; each first name
    of one side compared with each of the other.

    Two different *usual* first names (from ``data/prenoms.txt`` or frequent in the data) are
    different first names even when they are one letter apart (ANNE/ANNIE, LEA/LEO,
    JEAN/JEANNE); a typing error makes an unusual word close to a usual one (NICLOAS)."""

    kind: ClassVar[str] = "first_names"
    name: str = "first_names"
    label: str = "Prénoms"
    fuzzy_threshold: float = 0.9
    close_threshold: float = 0.8
    known_frequency: float = 2e-4
    known_min_records: int = 10
    columns: tuple[str, ...] = ("first_names", "first_name")
    levels: tuple[Level, ...] = (
        Level("null", "Prénom absent d'un côté"),
        Level("exact", "Prénoms identiques", tf=True),
        Level("subset", "Prénom(s) présent(s) parmi les prénoms de l'autre, premier prénom identique", tf=True),
        Level("subset_later", "Prénom présent parmi les prénoms de l'autre, mais pas en premier", tf=True),
        Level("first", "Premier prénom identique, autres prénoms différents"),
        Level("fuzzy", "Prénom proche (faute de frappe)"),
        Level("phonetic", "Prénom phonétiquement identique"),
        Level("initial", "Initiale du prénom compatible"),
        Level("close", "Prénoms différents mais ressemblants (fautes multiples ?)"),
        Level("other", "Prénoms différents", veto=True),
    )

    def params(self) -> dict[str, Any]:
        return {
            "fuzzy_threshold": self.fuzzy_threshold, "close_threshold": self.close_threshold,
            "known_frequency": self.known_frequency, "known_min_records": self.known_min_records,
        }

    def _word_relations(self, batch: PairBatch, ta: np.ndarray, tb: np.ndarray) -> np.ndarray:
        """:meth:`_relations` of the pairs of first-name words ``ta[k]``, ``tb[k]``; those of the
        frequent words are worked out once per reference table (they depend on its frequencies)."""
        reference = batch.reference_table
        key = ("first-name word relations", self.fuzzy_threshold, self.close_threshold, self.known_frequency,
               self.known_min_records)
        if key not in reference.memo and ta.size >= FREQUENT_PAIRS_BATCH:
            size = len(batch.left.vocabs.first_name)

            def matrix(top: np.ndarray) -> np.ndarray:
                return np.concatenate([  # by rows: a few words against all at once bounds the memory
                    self._relations(batch, np.repeat(rows, len(top)), np.tile(top, len(rows))).reshape(len(rows), -1)
                    for rows in np.array_split(top, max(1, len(top) // 256))
                ])

            reference.memo[key] = FrequentPairs.build(np.concatenate([ta, tb]), size, matrix)
        return through_frequent_pairs(reference.memo.get(key), ta, tb, lambda x, y: self._relations(batch, x, y))

    def _relations(self, batch: PairBatch, ta: np.ndarray, tb: np.ndarray) -> np.ndarray:
        """How two different first-name words relate, as bits: _TYPO, _PHONETIC, _INITIAL, _CLOSE
        (0 for equal words)."""
        v = batch.left.vocabs
        tok_len, letter, listed = v.first_name_info()
        different = ta != tb
        todo = np.nonzero(different)[0]
        jw = np.zeros(len(ta), np.float32)
        dl = np.full(len(ta), 99.0, np.float32)
        if todo.size:
            jw[todo] = pair_scores(
                v.first_name, ta[todo], tb[todo], JaroWinkler.normalized_similarity, batch.workers,
                score_cutoff=self.close_threshold,
            )
            near = todo[np.abs(tok_len[ta[todo]] - tok_len[tb[todo]]) <= 2]
            if near.size:
                dl[near] = pair_scores(v.first_name, ta[near], tb[near], DamerauLevenshtein.distance, batch.workers, 2)
        freq = batch.reference_table.frequencies("first_name")
        known = listed.copy()
        upto = min(len(freq), len(known) - 1)
        known[:upto] |= freq[:upto] >= self.known_frequency
        f = np.zeros(len(known), np.float64)
        f[:upto] = freq[:upto]
        # a frequent misspelling (THOMAZ beside THOMAS) stays a misspelling: an unlisted word
        # twenty times rarer than the listed-or-frequent word it is one typo away from
        rare_variant = (~listed[ta] & (f[ta] * 20 <= f[tb])) | (~listed[tb] & (f[tb] * 20 <= f[ta]))
        # in a small population a repeated typing error passes the frequency bar: an unlisted word
        # borne by fewer than ``known_min_records`` records, five times rarer, is one too (three
        # AARNO beside fifty-seven AARON among 10,000 records)
        few = f * int((batch.reference_table.first_names >= 0).sum()) < self.known_min_records
        rare_variant |= (~listed[ta] & few[ta] & (f[ta] * 5 <= f[tb])) | (~listed[tb] & few[tb] & (f[tb] * 5 <= f[ta]))
        both_known = known[ta] & known[tb] & ~rare_variant
        short = np.minimum(tok_len[ta], tok_len[tb])
        phon = v.fn_phon_array()
        # only different words count here: a shared middle name (MARIE) beside different
        # first names (SARAH MARIE / LISA MARIE, twins) is no sign of a misspelling
        phon_t = (phon[ta] == phon[tb]) & (short >= 2) & different
        # one Arabic name transliterated with other vowels (NORDINE / NOURDINE): not between two
        # first names of the French list, where ANNE and ANNIE stay two names
        keys = v.first_name_transliteration_hashes()
        maybe = np.nonzero((keys[ta] == keys[tb]) & (short >= 6) & different & ~phon_t & ~(listed[ta] & listed[tb]))[0]
        if maybe.size:
            phon_t[maybe[_word_pairs_where(v.first_name, ta[maybe], tb[maybe], transliterated)]] = True
        typo_t = ~both_known & (short >= 3) & different & (
            (dl <= 1) | ((dl <= 2) & (jw >= self.fuzzy_threshold) & (short >= 6))
        )
        initial_t = (short == 1) & (letter[ta] == letter[tb]) & different
        # two typing errors in a short name (ERIC / EEIK, MARTHA / RNARTHA) leave few letters in
        # place for Jaro-Winkler: an unusual word two edits from the other is close too (no
        # evidence, no veto), never between two usual names (ANDREW / ANDREA)
        close_t = ~both_known & (short >= 2) & different & (
            (jw >= self.close_threshold) | ((dl <= 2) & (short >= 3)))
        # a masculine and a feminine first name are different first names; a word cut short
        # (MONIQU, JEROM) is no first name of the other gender, only a typing error
        candidates = np.nonzero((typo_t | phon_t | close_t) & both_known)[0]
        if candidates.size:
            gv = _word_pairs_where(v.first_name, ta[candidates], tb[candidates], gender_variant)
            for arr in (typo_t, phon_t, close_t):
                arr[candidates[gv]] = False
        return (typo_t * _TYPO | phon_t * _PHONETIC | initial_t * _INITIAL | close_t * _CLOSE).astype(np.int8)

    def compare(self, batch: PairBatch) -> LevelResult:
        n = len(batch)
        a, b = batch.col("first_names")
        fa, fb = batch.col("first_name")
        present = (a >= 0) & (b >= 0)
        levels = np.zeros(n, dtype=np.int8)
        exact = present & (a == b)
        levels[exact] = FN_EXACT
        rest = present & ~exact
        v = batch.left.vocabs
        lengths = v.fn_token_arrays()[0]
        if rest.any():
            idx = np.nonzero(rest)[0]
            ra, rb = a[idx], b[idx]
            m = len(idx)
            first = fa[idx] == fb[idx]
            # every first name of one side against every first name of the other
            pair, ta, tb = _token_pairs(v, ra, rb)
            equal_t = ta == tb
            # subset: every word of the shorter list is in the longer one (words are distinct)
            shared = np.bincount(pair[equal_t], minlength=m)
            subset = shared == np.minimum(lengths[ra], lengths[rb])
            relation = self._word_relations(batch, ta, tb)
            typo_t = (relation & _TYPO) != 0
            phon_t = (relation & _PHONETIC) != 0
            initial_t = (relation & _INITIAL) != 0
            close_t = (relation & _CLOSE) != 0
            glued = np.zeros(m, bool)
            odd = np.nonzero((lengths[ra] != lengths[rb]) & ~subset)[0]  # JEANPIERRE / JEAN PIERRE
            if odd.size:
                glued[odd] = pair_scores(v.first_names, ra[odd], rb[odd], fuzz.ratio, batch.workers, 92.0) >= 92.0

            def any_of(mask: np.ndarray) -> np.ndarray:
                out = np.zeros(m, bool)
                out[pair[mask]] = True
                return out

            # the first names a source keeps are the first ones (amendes: the first only): LUCAS
            # is rather the son "LUCAS THOMAS" than his father "SEBASTIEN LUCAS"
            found = _first_level(m, [
                np.zeros(m, bool), subset & first, subset & ~first, first, any_of(typo_t) | glued,
                any_of(phon_t), any_of(initial_t), any_of(close_t),
            ], FN_OTHER)
            # J P / JEAN PIERRE, JEAN P / JEAN PIERRE: every word of the shorter list is a word or
            # the initial of a word of the other, one for one: "initial", neither "first" (which
            # says they differ) nor, below, the twins' unrelated names
            initials_cover = np.zeros(m, bool)
            maybe = any_of(initial_t) & ((found == FN_FIRST) | np.isin(found, FN_WEAK))  # few: initials are rare
            if maybe.any():
                rows = maybe[pair]
                initials_cover = _covered(pair[rows], ta[rows], tb[rows], (equal_t | initial_t)[rows],
                                          np.minimum(lengths[ra], lengths[rb]), m)
            found[(found == FN_FIRST) & initials_cover] = FN_INITIAL
            # twins MARIE JEANNE and SOIZIC JEANNNE: first first names that nothing on the other
            # side resembles; a typo in a later name tells nothing then
            weak = np.isin(found, FN_WEAK) & (lengths[ra] >= 2) & (lengths[rb] >= 2) & ~initials_cover
            if weak.any():
                t = np.nonzero(weak[pair])[0]
                related = equal_t[t] | typo_t[t] | phon_t[t] | close_t[t]
                pt = pair[t]
                a_first_related = np.zeros(m, bool)
                a_first_related[pt[related & (ta[t] == fa[idx][pt])]] = True
                b_first_related = np.zeros(m, bool)
                b_first_related[pt[related & (tb[t] == fb[idx][pt])]] = True
                found[weak & ~a_first_related & ~b_first_related] = FN_OTHER
            levels[idx] = found
            worst = idx[levels[idx] == FN_OTHER]
            if worst.size:
                levels[worst[names_inverted(batch, worst)]] = FN_EXACT  # names typed in each other's field
        tf = np.full(n, np.nan)
        if exact.any():
            tf[exact] = batch.frequency("first_names", a[exact])
        sub = (levels == FN_SUBSET) | (levels == FN_SUBSET_LATER)
        if sub.any():
            # the first name they share: the first word of the shorter list
            shared = np.where(lengths[a[sub]] <= lengths[b[sub]], fa[sub], fb[sub])
            tf[sub] = batch.frequency("first_name", shared)
        return LevelResult(levels, tf)


# the first-names levels' numbers, by name (compare() above uses them)
FN_EXACT, FN_SUBSET, FN_SUBSET_LATER, FN_FIRST, FN_INITIAL, FN_OTHER = _level_numbers(
    FirstNamesComparison.levels, "exact", "subset", "subset_later", "first", "initial", "other")
FN_WEAK = _level_numbers(FirstNamesComparison.levels, "fuzzy", "phonetic", "initial", "close")


# --- birth dates -------------------------------------------------------------------------------

_POW = 10 ** np.arange(8, dtype=np.int64)


def _digits(v: np.ndarray) -> np.ndarray:
    return (v.astype(np.int32)[:, None] // _POW.astype(np.int32)) % 10


def _valid(v: np.ndarray) -> np.ndarray:
    d, m, y = v % 100, v // 100 % 100, v // 10000
    mdays = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    # a year outside the birth years a source can hold is a typo kept as digits (29970828)
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (y >= MIN_YEAR) & (y <= date.today().year)
    dmax = np.where((m == 2) & ~leap, 28, mdays[np.clip(m, 0, 12)])
    return ok & (d <= dmax)


def _valid_birth_dates(table: RecordTable) -> np.ndarray:
    if "valid birth dates" not in table.memo:
        table.memo["valid birth dates"] = _valid(table.birth_date.astype(np.int64))
    return table.memo["valid birth dates"]


@dataclass
class BirthDateComparison(Comparison):
    kind: ClassVar[str] = "birth_date"
    name: str = "birth_date"
    label: str = "Date de naissance"
    columns: tuple[str, ...] = ("birth_date",)
    levels: tuple[Level, ...] = (
        Level("null", "Date de naissance absente d'un côté"),
        Level("exact", "Date de naissance identique"),
        Level("swap", "Date de naissance avec jour et mois inversés"),
        Level("typo", "Date de naissance à un chiffre près (faute de frappe)"),
        Level("typo2", "Date de naissance à deux fautes près (deux chiffres, ou une inversion et un chiffre)"),
        Level("partial", "Date de naissance partielle compatible (00/00/AAAA, 01/01/AAAA)"),
        Level("same_year", "Dates de naissance différentes, même année", veto=True),
        Level("other", "Dates de naissance différentes", veto=True),
        Level("other_invalid", "Dates de naissance différentes (l'une incomplète ou impossible)"),
    )

    def compare(self, batch: PairBatch) -> LevelResult:
        a, b = batch.col("birth_date")
        a = a.astype(np.int64)
        b = b.astype(np.int64)
        n = len(a)
        present = (a > 0) & (b > 0)
        ya, yb = a // 10000, b // 10000
        ma, mb = a // 100 % 100, b // 100 % 100
        da, db = a % 100, b % 100
        complete = (ma > 0) & (da > 0) & (mb > 0) & (db > 0)
        exact = present & (a == b) & complete
        swap = present & complete & (ya == yb) & (da == mb) & (ma == db) & (da != ma)
        typo = np.zeros(n, dtype=bool)
        typo2 = np.zeros(n, dtype=bool)
        check = np.nonzero(present & complete & ~exact & ~swap)[0]
        if check.size:
            da8, db8 = _digits(a[check]), _digits(b[check])
            diff = da8 != db8
            ham = diff.sum(axis=1)
            # adjacent transposition: exactly two neighbouring digits differ and are exchanged
            transposed = np.zeros(check.size, dtype=bool)
            for k in range(7):
                transposed |= (
                    diff[:, k] & diff[:, k + 1] & (da8[:, k] == db8[:, k + 1]) & (da8[:, k + 1] == db8[:, k])
                )
            typo[check] = (ham == 1) | ((ham == 2) & transposed)
            # two typing errors (issue 23: FEBRL makes up to two per field): two digits, a
            # transposition and a digit, or day and month swapped and a digit; no veto, and no
            # evidence either (settings.evidence)
            swapped = _digits(a[check] // 10000 * 10000 + a[check] % 100 * 100 + a[check] // 100 % 100)
            typo2[check] = ~typo[check] & ((ham == 2) | ((ham == 3) & transposed)
                                           | ((swapped != db8).sum(axis=1) == 1))
        placeholder_a = (ma == 1) & (da == 1)
        placeholder_b = (mb == 1) & (db == 1)
        part_a = (ma == 0) | (da == 0) | placeholder_a
        part_b = (mb == 0) | (db == 0) | placeholder_b
        partial = present & (part_a | part_b) & (ya == yb) & (
            (ma == 0) | (mb == 0) | (ma == mb) | placeholder_a | placeholder_b
        ) & ((da == 0) | (db == 0) | (da == db) | placeholder_a | placeholder_b)
        if n >= FREQUENT_PAIRS_BATCH:  # each record's date checked once, not once per pair
            both_valid = _valid_birth_dates(batch.left)[batch.li] & _valid_birth_dates(batch.right)[batch.ri]
        else:
            both_valid = _valid(a) & _valid(b)
        same_year = present & complete & both_valid & (ya == yb)
        other = present & complete & both_valid
        levels = _first_level(n, [exact, swap, typo, typo2, partial, same_year, other], 8)
        levels[~present] = 0
        return LevelResult(levels.astype(np.int8))


# --- simple fields -----------------------------------------------------------------------------


@dataclass
class SexComparison(Comparison):
    """Sexes as stated (sex column, civility, NEE/EPOUSE). Where one side states none, its first
    first name tells it when the records that state theirs almost all give that name one sex
    (learnt from the data: MARIE, female; RAYMOND, male; CAMILLE, neither): a husband "RAYMOND
    MARIE" is then told apart from a wife "MARIE" whose sex no source gave."""

    kind: ClassVar[str] = "sex"
    name: str = "sex"
    label: str = "Sexe"
    #: a first name tells the sex when at least ``name_min_records`` records stating a sex carry
    #: it first and at least ``name_share`` of them are of one sex
    name_min_records: int = 10
    name_share: float = 0.97
    columns: tuple[str, ...] = ("sex",)
    levels: tuple[Level, ...] = (
        Level("null", "Sexe inconnu d'un côté"),
        Level("exact", "Même sexe"),
        Level("other", "Sexes différents"),
        Level("name_other", "Sexe inconnu d'un côté, dont le prénom est porté par l'autre sexe"),
    )

    def params(self) -> dict[str, Any]:
        return {"name_min_records": self.name_min_records, "name_share": self.name_share}

    def sex_of_first_names(self, table: RecordTable) -> np.ndarray:
        """0, 1 (M) or 2 (F) for each first-name word of ``table``'s vocabulary."""
        counts = table.first_name_sexes()
        total = counts.sum(axis=1)
        major = counts.argmax(axis=1)
        sure = (total >= self.name_min_records) & (counts.max(axis=1) >= self.name_share * total)
        return np.where(sure, major + 1, 0).astype(np.int8)

    def compare(self, batch: PairBatch) -> LevelResult:
        a, b = batch.col("sex")
        levels = np.where((a > 0) & (b > 0), np.where(a == b, 1, 2), 0).astype(np.int8)
        one = np.nonzero((a > 0) != (b > 0))[0]
        if one.size:
            fa, fb = batch.col("first_name")
            sexes = self.sex_of_first_names(batch.reference_table)
            unknown_side = np.where(a[one] > 0, fb[one], fa[one])
            known = np.where(a[one] > 0, a[one], b[one])
            ok = (unknown_side >= 0) & (unknown_side < len(sexes))
            told = np.zeros(one.size, np.int8)
            told[ok] = sexes[unknown_side[ok]]
            levels[one[(told > 0) & (told != known)]] = 3
        return LevelResult(levels)


@dataclass
class IdentifierComparison(Comparison):
    kind: ClassVar[str] = "identifier"
    name: str = "identifier"
    label: str = "Identifiant commun"
    columns: tuple[str, ...] = ("identifier",)
    levels: tuple[Level, ...] = (
        Level("null", "Identifiant absent d'un côté"),
        Level("exact", "Identifiant identique"),
        Level("other", "Identifiants différents", veto=True),
    )

    def compare(self, batch: PairBatch) -> LevelResult:
        a, b = batch.col("identifier")
        levels = np.where((a >= 0) & (b >= 0), np.where(a == b, 1, 2), 0).astype(np.int8)
        return LevelResult(levels)


@dataclass
class SourceComparison(Comparison):
    """Whether both records come from the same application: duplicates inside one source are
    rarer than one person known to two sources, so the prior differs."""

    kind: ClassVar[str] = "source"
    name: str = "source"
    label: str = "Sources"
    columns: tuple[str, ...] = ("source",)
    levels: tuple[Level, ...] = (
        Level("null", "Source inconnue"),
        Level("same", "Même source (doublon interne ?)"),
        Level("other", "Sources différentes"),
    )

    def compare(self, batch: PairBatch) -> LevelResult:
        a, b = batch.col("source")
        return LevelResult(np.where(a == b, 1, 2).astype(np.int8))


@dataclass
class BirthPlaceComparison(Comparison):
    kind: ClassVar[str] = "birth_place"
    name: str = "birth_place"
    label: str = "Lieu de naissance"
    columns: tuple[str, ...] = ("birth_place",)
    levels: tuple[Level, ...] = (
        Level("null", "Lieu de naissance absent d'un côté"),
        Level("exact", "Lieu de naissance identique"),
        Level("fuzzy", "Lieu de naissance proche"),
        Level("other", "Lieux de naissance différents"),
    )

    def compare(self, batch: PairBatch) -> LevelResult:
        a, b = batch.col("birth_place")
        present = (a >= 0) & (b >= 0)
        levels = np.where(present, np.where(a == b, 1, 3), 0).astype(np.int8)
        rest = np.nonzero(levels == 3)[0]
        if rest.size:
            s = pair_scores(batch.left.vocabs.place, a[rest], b[rest], fuzz.ratio, batch.workers)
            levels[rest[s >= 85.0]] = 2
        return LevelResult(levels)


@dataclass
class AddressComparison(Comparison):
    """Street number, street (abbreviations expanded), commune (INSEE, repaired), département."""

    kind: ClassVar[str] = "address"
    name: str = "address"
    label: str = "Adresse"
    street_threshold: float = 0.92
    columns: tuple[str, ...] = ("number", "street", "commune", "postcode", "departement")
    levels: tuple[Level, ...] = (
        Level("null", "Adresse absente d'un côté"),
        Level("exact", "Adresse identique"),
        Level("street", "Même voie, numéro différent ou absent d'un côté"),
        Level("commune", "Même commune"),
        Level("departement", "Même département"),
        Level("other", "Adresses différentes"),
    )

    def params(self) -> dict[str, Any]:
        return {"street_threshold": self.street_threshold}

    def compare(self, batch: PairBatch) -> LevelResult:
        ca, cb = batch.col("commune")
        pa, pb = batch.col("postcode")
        sa, sb = batch.col("street")
        na, nb = batch.col("number")
        dpa, dpb = batch.col("departement")
        n = len(ca)
        has_a = (ca >= 0) | (pa >= 0) | (sa >= 0)
        has_b = (cb >= 0) | (pb >= 0) | (sb >= 0)
        same_commune = ((ca == cb) & (ca >= 0)) | ((ca < 0) | (cb < 0)) & (pa == pb) & (pa >= 0)
        # "?COURS" (a name several communes bear, typed without postal code) is the commune of
        # that name on the other side (69066 COURS): neither side tells otherwise
        keys, unresolved = batch.left.vocabs.commune_names()
        both = (ca >= 0) & (cb >= 0)
        same_commune |= both & (unresolved[ca] | unresolved[cb]) & (keys[ca] == keys[cb])
        # two places the reference does not know (abroad, or reference off): the same postal code
        # as written, or the town typed with one slip (KINGSTON / KINGSTN), make one commune
        foreign = np.nonzero(both & unresolved[ca] & unresolved[cb] & ~same_commune)[0]
        # towns typed with two slips (DUBBO / CLUBBO, HILL / HLLL): one town only for the same
        # street, never "same commune" alone (two towns abroad may well be that close)
        near_town = np.zeros(n, bool)
        if foreign.size:
            same_commune[foreign[(pa[foreign] == pb[foreign]) & (pa[foreign] >= 0)]] = True
            rest = foreign[~same_commune[foreign]]
            if rest.size:
                s = pair_scores(batch.left.vocabs.commune, ca[rest], cb[rest], JaroWinkler.normalized_similarity,
                                batch.workers)
                same_commune[rest[s >= self.street_threshold]] = True
                rest = rest[s < self.street_threshold]
                rest = rest[(sa[rest] >= 0) & (sb[rest] >= 0)]
                if rest.size:
                    d = pair_scores(batch.left.vocabs.commune, ca[rest], cb[rest], DamerauLevenshtein.distance,
                                    batch.workers, 2)
                    near_town[rest[d <= 2]] = True
        same_street = (sa == sb) & (sa >= 0)
        fuzzy_idx = np.nonzero((same_commune | near_town) & ~same_street & (sa >= 0) & (sb >= 0))[0]
        if fuzzy_idx.size:
            s = pair_scores(
                batch.left.vocabs.street, sa[fuzzy_idx], sb[fuzzy_idx], JaroWinkler.normalized_similarity,
                batch.workers,
            )
            same_street[fuzzy_idx[s >= self.street_threshold]] = True
        # a lieu-dit has no number: the same lieu-dit without number on both sides is the whole address
        exact = (same_commune | near_town) & same_street & (na == nb)
        street = (same_commune | near_town) & same_street
        dep = (dpa == dpb) & (dpa >= 0)
        levels = _first_level(n, [exact, street, same_commune, dep], 5)
        levels[~(has_a & has_b)] = 0
        return LevelResult(levels.astype(np.int8))


COMPARISON_KINDS: dict[str, type[Comparison]] = {
    c.kind: c
    for c in (
        SurnameComparison, FirstNamesComparison, BirthDateComparison, SexComparison,
        BirthPlaceComparison, AddressComparison, IdentifierComparison, SourceComparison,
    )
}


def comparison_from_dict(data: dict[str, Any]) -> Comparison:
    data = dict(data)
    cls = COMPARISON_KINDS[data.pop("kind")]
    return cls(**data)  # type: ignore[call-arg]


def default_comparisons() -> list[Comparison]:
    return [
        SurnameComparison(), FirstNamesComparison(), BirthDateComparison(), SexComparison(),
        BirthPlaceComparison(), AddressComparison(), IdentifierComparison(), SourceComparison(),
    ]


__all__ = [
    "Comparison", "Level", "LevelResult", "PairBatch", "VETO_WEIGHT", "comparison_from_dict",
    "default_comparisons", "pair_scores",
]
