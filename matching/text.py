"""Character-level folding shared by every normaliser: upper case, no accents, no punctuation."""

from __future__ import annotations

import re
import unicodedata

#: ligatures spelt out before accents are stripped (shared with the communes reference's key)
LIGATURES = str.maketrans({"Œ": "OE", "œ": "OE", "Æ": "AE", "æ": "AE", "ß": "SS"})
_SEPARATORS = re.compile(r"[^A-Z0-9]+")
_DECIMAL_ZERO = re.compile(r"^\s*(\d+)[.,]0+\s*$")
_CODE_WITH_DECIMAL_ZERO = re.compile(r"\b(\d{4,5})[.,]0+\b")


def fold(text: str | None) -> str:
    """Upper-case, accent-free text where every run of non-alphanumerics is one space.

    Apostrophes, hyphens, dots, commas and slashes are separators: ``"D'Artagnan-Lévêque."``
    becomes ``"D ARTAGNAN LEVEQUE"``.
    """
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(LIGATURES))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", text.upper()).strip()


def tokens(text: str | None) -> list[str]:
    """The folded words of ``text``."""
    folded = fold(text)
    return folded.split() if folded else []


def without_decimal_zero(value: str) -> str:
    """``"13001.0"`` → ``"13001"``: a whole value (a code, a date) a spreadsheet made a decimal."""
    m = _DECIMAL_ZERO.match(value)
    return m.group(1) if m else value


def without_decimal_zero_codes(line: str) -> str:
    """The same for postal codes inside a line: ``"13890.0 MOURIES"`` → ``"13890 MOURIES"``."""
    return _CODE_WITH_DECIMAL_ZERO.sub(r"\1", line) if "0" in line else line


_LETTER_FOR_DIGIT = str.maketrans("01245678", "OIZASGTB")
_DIGIT_FOR_LETTER = str.maketrans("OIL", "011")
_DIGITS = frozenset("0123456789")


def letters_for_digits(word: str) -> str:
    """A digit inside a name's word is a letter misread or mistyped: ``MART1N`` → ``MARTIN``,
    ``R0BERT`` → ``ROBERT`` (0 1 2 4 5 6 7 8 for their look-alikes O I Z A S G T B); a word of
    digits only is left alone."""
    if word.isalpha() or word.isdigit() or not any(c in _DIGITS for c in word):
        return word
    return word.translate(_LETTER_FOR_DIGIT)


def digits_for_letters(word: str) -> str:
    """Inside a number, O, I and L are digits misread: ``2O`` → ``20``, ``l981`` → ``1981``; a
    word without a digit, or with other letters (``1ER``, ``12B``), is left alone."""
    if word.isdigit() or not any(c in _DIGITS for c in word) or not set(word) <= _DIGITS | {"O", "I", "L"}:
        return word
    return word.translate(_DIGIT_FOR_LETTER)


def numbers_read(folded: str, leading_digit: bool = False) -> str:
    """A folded text with :func:`digits_for_letters` applied to each word; with
    ``leading_digit``, only to the words that start with a digit (an address keeps its road
    names: ``ROCADE L2``, ``A1``)."""
    return " ".join(
        w if leading_digit and not w[:1].isdigit() else digits_for_letters(w) for w in folded.split())


#: letter groups a scan reads for one letter (RN for M, VV for W, CL for D)
_SCANNED_GROUPS = re.compile(r"RN|VV|CL")
_SCANNED_FOR = {"RN": "M", "VV": "W", "CL": "D"}


def scan_key(word: str) -> str:
    """A name with the letter groups a scan misreads put back as the letter (``RNOREAU`` →
    ``MOREAU``): two different names equal by this key differ by such a misreading."""
    return _SCANNED_GROUPS.sub(lambda m: _SCANNED_FOR[m.group(0)], word)
