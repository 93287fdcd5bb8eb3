"""French surnames and first names: civilities, particles, "X NEE Y", "X EPOUSE Y", "VEUVE".

Normal forms:

* a **surname** is folded (upper case, no accents, ST → SAINT) with its words kept apart:
  ``"de la Fontaine"`` → ``"DE LA FONTAINE"``, ``"Martin-Dupont"`` → ``"MARTIN DUPONT"``, so that
  one part (``FONTAINE``, ``DUPONT``) can be recognised in the other. Its *key*
  (:func:`surname_key`) drops the spaces, so ``LE BLANC`` = ``LEBLANC`` and ``D'ARTAGNAN`` =
  ``DARTAGNAN``.
* **first names** are folded words separated by one space, hyphens included, so ``JEAN-PIERRE``
  and ``JEAN PIERRE`` are equal; their *set key* (:func:`first_names_key`) sorts the words so that
  several first names compare equal in any order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import fold, letters_for_digits

CIVILITIES: dict[str, str | None] = {
    "M": "M",
    "MR": "M",
    "MM": "M",
    "MONSIEUR": "M",
    "MME": "F",
    "MMES": "F",
    "MADAME": "F",
    "MLLE": "F",
    "MELLE": "F",
    "MADEMOISELLE": "F",
    "MRS": "F",
    "MS": "F",
    "VVE": "F",
    "VEUVE": "F",
}
PARTICLES = frozenset(
    {"DE", "DU", "DES", "D", "LE", "LA", "LES", "L", "DI", "DA", "DEL", "DELLA", "DELA", "VAN",
     "VON", "DEN", "DER", "TER", "MAC", "MC", "O", "DOS", "DAS"}
)
_SAINTS = {"ST": "SAINT", "STE": "SAINTE"}
#: marker → (role of the words before it, role of the words after it, sex it implies)
_MARKERS: dict[str, tuple[str, str, str | None]] = {
    "NEE": ("usage", "birth", "F"),
    "EPOUSE": ("birth", "usage", "F"),
    "EPSE": ("birth", "usage", "F"),
    "EP": ("birth", "usage", "F"),
    "VEUVE": ("birth", "usage", "F"),
    "VVE": ("birth", "usage", "F"),
    "DIVORCEE": ("birth", "usage", "F"),
    "DIV": ("birth", "usage", "F"),
    "EPOUX": ("birth", "usage", "M"),
}
_NEUTRAL_WORDS = frozenset({"DIT", "DITE", "ALIAS"})
#: words that are never a first name cut from a name field
_NOT_FIRST_NAMES = PARTICLES | _MARKERS.keys() | _NEUTRAL_WORDS | {"ET"}


@dataclass(frozen=True, slots=True)
class ParsedSurname:
    """What one name field says: birth name, usage name, a name of unknown kind, a sex hint."""

    birth: str | None = None
    usage: str | None = None
    unknown: str | None = None
    sex: str | None = None


def _join(words: list[str]) -> str:
    """Join the words of one name, with ST/STE spelt out."""
    return " ".join(_SAINTS.get(w, w) for w in words)


def _strip_civility(words: list[str]) -> tuple[list[str], str | None]:
    sex = None
    couple = False
    while len(words) > 1 and words[0] in CIVILITIES and words[0] not in _MARKERS:
        sex = CIVILITIES[words[0]] or sex
        words = words[1:]
        if len(words) > 2 and words[0] == "ET" and words[1] in CIVILITIES:  # "M ET MME DUPONT"
            couple = True
            words = words[1:]
    return words, (None if couple else sex)


@lru_cache(maxsize=500_000)
def parse_surname(raw: str | None) -> ParsedSurname:
    """Split a name field as typed into birth / usage / unknown-kind names.

    >>> parse_surname("Mme DUPONT née MARTIN")
    ParsedSurname(birth='MARTIN', usage='DUPONT', unknown=None, sex='F')
    >>> parse_surname("MARTIN épouse DUPONT").usage
    'DUPONT'
    >>> parse_surname("VEUVE DUPONT")
    ParsedSurname(birth=None, usage='DUPONT', unknown=None, sex='F')
    """
    words = [letters_for_digits(w) for w in fold(raw).split()]
    if not words:
        return ParsedSurname()
    words, sex = _strip_civility(words)
    for i, w in enumerate(words):
        if w in _MARKERS and (i > 0 or w in ("VEUVE", "VVE", "NEE")):
            before_role, after_role, marker_sex = _MARKERS[w]
            before, after = words[:i], words[i + 1 :]
            # "VEUVE DUPONT NEE MARTIN", "DUPONT EPOUSE MARTIN"
            parts: dict[str, str | None] = {"birth": None, "usage": None}
            if after:
                nested = parse_surname(" ".join(after))
                if nested.birth or nested.usage:
                    parts["usage"] = nested.usage
                    parts["birth"] = nested.birth
                else:
                    parts[after_role] = nested.unknown
            if before:
                before, _ = _strip_civility(before)
                parts[before_role] = parts[before_role] or _join(before)
            return ParsedSurname(
                birth=parts["birth"], usage=parts["usage"], sex=marker_sex or sex
            )
    words = [w for w in words if w not in _NEUTRAL_WORDS] or words
    if len(words) > 1 and words[0] not in PARTICLES and all(w in PARTICLES for w in words[1:]):
        words = words[1:] + words[:1]  # "FONTAINE (DE LA)" written in index order
    return ParsedSurname(unknown=_join(words), sex=sex)


def _split_by_case(raw: str) -> tuple[str, str] | None:
    """(name, first names) of a field written "Prénom NOM" or "NOM Prénom", the French
    convention that capitals mark the surname: ``Jean-Pierre DUPONT``, ``DUPONT Jean``, ``Mme
    Sophie DURAND née MARTIN``; None when the case tells nothing (all capitals, all capitalised,
    capitalised words on both sides of the name)."""
    typed = raw.split()
    rest, _ = _strip_civility([fold(t) for t in typed])
    civility, tokens = typed[: len(typed) - len(rest)], typed[len(typed) - len(rest):]  # civility tells the sex
    kinds = []
    for token in tokens:
        letters = [c for c in re.split(r"['’]", token)[-1] if c.isalpha()]  # d'ALMEIDA: ALMEIDA
        if len(letters) > 1 and all(c.isupper() for c in letters):
            kinds.append("NOM")
        elif letters and letters[0].isupper() and any(c.islower() for c in letters) and fold(token) not in PARTICLES:
            kinds.append("Prénom")
        else:
            kinds.append("")  # "de", "née", an initial: it goes with the name
    if "NOM" not in kinds or "Prénom" not in kinds:
        return None
    first = kinds.index("Prénom")
    last = len(kinds) - kinds[::-1].index("Prénom")
    if "Prénom" in kinds[first:last] and set(kinds[first:last]) != {"Prénom"}:
        return None
    if first == 0:
        names, given = tokens[last:], tokens[:last]
    elif last == len(tokens):
        names, given = tokens[:first], tokens[first:]
    else:
        return None
    return " ".join(civility + names), fold(" ".join(given))


def split_glued_first_name(
    raw: str | None, known: frozenset[str], order: str | None = None
) -> tuple[str, str] | None:
    """(name field without them, first names) when a name field also holds the first names,
    as a source without a first-name field writes it; else None. Capitals mark the surname
    where the case is mixed (``Gilles THOMAS``, ``THOMAS Gilles``); otherwise known first names
    typed after the surname(s) are cut: ``DUPONT JEAN PIERRE``, ``DURAND NEE MARTIN SOPHIE``,
    ``MME LEGRAND EP PRARCANT STEPHANIE``. At least one name word stays (``JULIEN GERARD``:
    surname JULIEN, first name GERARD). ``order``, a source's way of writing its name fields
    (:func:`glued_order`), also cuts a first name no list knows at that end (``HOFFMANN ERNSET``)
    and, for ``"start"``, reads the first names at the start (``JEAN PAUL TANGUY``).

    >>> split_glued_first_name("DURAND NEE MARTIN SOPHIE ANNE", frozenset({"SOPHIE", "ANNE"}))
    ('DURAND NEE MARTIN', 'SOPHIE ANNE')
    >>> split_glued_first_name("Gilles THOMAS", frozenset())
    ('THOMAS', 'GILLES')
    >>> split_glued_first_name("DE SOPHIE", frozenset({"SOPHIE"})) is None
    True
    """
    if raw and (by_case := _split_by_case(raw)) is not None:
        return by_case
    typed = fold(raw).split()
    words, _ = _strip_civility(typed)
    civility = typed[: len(typed) - len(words)]
    if order == "start":
        cut = 0
        while cut < len(words) - 1 and words[cut] in known and words[cut] not in _NOT_FIRST_NAMES:
            cut += 1
        if cut == 0 and len(words) > 1 and words[0] not in _NOT_FIRST_NAMES:
            cut = 1  # a first name the lists do not know (a typo, a rare one)
        rest = words[cut:]
        if cut == 0 or rest[0] in _MARKERS or all(w in PARTICLES for w in rest):
            return None
        return " ".join(civility + rest), " ".join(words[:cut])

    def name_stays(cut: int) -> bool:
        """Name words are left before words[cut:], back to a marker (DURAND NEE | MARTIN)."""
        name: list[str] = []
        for w in reversed(words[: cut - 1]):
            if w in _MARKERS:
                break
            name.append(w)
        return bool(name) and not all(w in PARTICLES for w in name)

    cut = len(words)
    while cut > 1 and words[cut - 1] in known and name_stays(cut):
        cut -= 1
    if cut == len(words) and order == "end" and len(words) > 1 and words[-1] not in _NOT_FIRST_NAMES \
            and name_stays(cut):
        cut -= 1  # a first name the lists do not know (a typo, a rare one)
    if cut == len(words):
        return None
    kept = len(typed) - (len(words) - cut)
    return " ".join(typed[:kept]), " ".join(words[cut:])


def glued_order(raws: Iterable[str], known: frozenset[str]) -> str | None:
    """How a source without a first-name field writes its name fields: ``"end"`` (NOM Prénom)
    or ``"start"`` (Prénom NOM), told by the names that have a known first name at one end
    only (four in five at least, ten at least); None when unclear."""
    votes = {"start": 0, "end": 0}
    for raw in raws:
        words, _ = _strip_civility(fold(raw).split())
        if len(words) < 2 or any(w in _MARKERS for w in words):
            continue
        at_start, at_end = words[0] in known, words[-1] in known
        if at_start != at_end:
            votes["start" if at_start else "end"] += 1
    order = max(votes, key=lambda k: votes[k])
    total = votes["start"] + votes["end"]
    return order if total >= 10 and votes[order] >= 0.8 * total else None


def clean_surname(raw: str | None) -> str | None:
    """The normal form of a field known to hold one surname (birth or usage name column)."""
    parsed = parse_surname(raw)
    return parsed.unknown or parsed.usage or parsed.birth


#: a German umlaut written out (MUELLER, SCHAEFER, GOETZ) between consonants; not after G or Q,
#: where the E is French spelling (GUERIN, JACQUET)
_UMLAUT_SPELT = re.compile(r"(?:(?<=[BCDFHJ-NPR-TV-XZ])(U)|(?<=[B-DF-HJ-NP-TV-XZ])([AO]))E(?=[B-DF-HJ-NP-TV-XZ])")


def surname_key(name: str) -> str:
    """Equality key of a normalised surname: no spaces (``LE BLANC`` = ``LEBLANC``), an umlaut
    written out the same as folded (``MÜLLER`` = ``MUELLER`` = ``MULLER``)."""
    return _UMLAUT_SPELT.sub(lambda m: m.group(1) or m.group(2), name.replace(" ", ""))


@lru_cache(maxsize=1)
def usual_first_names() -> frozenset[str]:
    """The vendored list of usual first names (``data/prenoms.txt``)."""
    path = Path(__file__).resolve().parent / "data" / "prenoms.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.extend(line.split())
    return frozenset(words)


#: a word of one to three letters cut by a dot: "J.-P.", "Aur.", "Ch."
_DOTTED = re.compile(r"(?<![^\W\d_])([^\W\d_]{1,3})\.")
#: two or three consonants: initials typed together ("JP", "VC"), no first name has no vowel
_GLUED_INITIALS = re.compile(r"^[BCDFGHJKLMNPQRSTVWXZ]{2,3}$")
#: short words before a name that are no initials: civilities and titles ("MR", "Dr.")
_NOT_INITIALS = frozenset(CIVILITIES) | {"DR", "PR", "ME", "MM", "MRS", "MS", "MLLE", "SR"}


def _abbreviation(match: re.Match[str]) -> str:
    """The initial of a word cut by a dot; a usual first name, a civility or a title, or initials
    typed together (``JM.``), stay whole."""
    word = fold(match.group(1))
    if word in usual_first_names() or word in _NOT_INITIALS or _GLUED_INITIALS.match(word):
        return match.group(1) + " "
    return match.group(1)[0] + " "


def _initials(raw: str) -> str:
    """Abbreviated first names as their initials: ``"J.-P."`` → ``"J P"``, ``"Aur."`` → ``"A"``."""
    return _DOTTED.sub(_abbreviation, raw) if "." in raw else raw


def _split_glued_initials(word: str) -> list[str]:
    return list(word) if _GLUED_INITIALS.match(word) and word not in _NOT_INITIALS else [word]


@lru_cache(maxsize=200_000)
def parse_first_names(raw: str | None) -> tuple[str | None, str | None]:
    """(first names in the given order, sex hint from a civility) or (None, hint) when empty.

    Hyphens and apostrophes become spaces: ``"Jean-Pierre Marie"`` → ``"JEAN PIERRE MARIE"``;
    abbreviations become initials: ``"J.-P."``, ``"JP"`` → ``"J P"``.
    """
    words = [letters_for_digits(w) for w in fold(_initials(raw or "")).split()]
    words, sex = _strip_civility(words)
    words = [w for w in words if w not in ("ET",)]
    words = [c for w in words for c in _split_glued_initials(w)]
    return (" ".join(words) or None), sex


def first_names_key(names: str) -> str:
    """Order-free key of first names: the sorted words."""
    return " ".join(sorted(names.split()))


_SEX_WORDS = {
    "M": "M", "H": "M", "1": "M", "HOMME": "M", "MASCULIN": "M", "MALE": "M", "MONSIEUR": "M",
    "MR": "M", "F": "F", "2": "F", "FEMME": "F", "FEMININ": "F", "FEMALE": "F", "MME": "F",
    "MADAME": "F", "MLLE": "F", "MELLE": "F", "MADEMOISELLE": "F", "MASC": "M", "FEM": "F",
}


def parse_sex(raw: str | None) -> str | None:
    """``M`` or ``F`` from the usual codings (M/F, H/F, 1/2, words, civilities), else None."""
    return _SEX_WORDS.get(fold(raw)) if raw else None


def transliteration_key(word: str) -> str:
    """A first name's first letter, consonants in order without H nor doubled letters, and last
    letter: ABDELKADIR and ABDELKADER, NORDINE and NOURDINE, KHADIJA and KADIJA share it."""
    consonants = [c for c in word[1:-1] if c not in "AEIOUY H"]
    collapsed = "".join(c for i, c in enumerate(consonants) if i == 0 or c != consonants[i - 1])
    return f"{word[:1]}{collapsed}{word[-1:]}"


def vowel_groups(word: str) -> list[str]:
    """The runs of vowels of a word: NOURDINE → OU, I, E."""
    return re.findall(r"[AEIOUY]+", word)


def transliterated(a: str, b: str) -> bool:
    """One first name written with other vowels, as an Arabic name is transliterated: same
    :func:`transliteration_key`, as many runs of vowels with at most one different, six letters
    at least (NORDINE / NOURDINE, ABDELKADIR / ABDELKADER; not MAHMOUD / MOHAMED, SAID / SOUAD)."""
    if min(len(a), len(b)) < 6 or transliteration_key(a) != transliteration_key(b):
        return False
    va, vb = vowel_groups(a), vowel_groups(b)
    return len(va) == len(vb) and sum(x != y for x, y in zip(va, vb, strict=True)) <= 1
