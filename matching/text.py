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


def undo_spreadsheet_decimal(text: str) -> str:
    """``"13001.0"`` → ``"13001"``: a code or a date a spreadsheet turned into a decimal number."""
    m = _DECIMAL_ZERO.match(text)
    return m.group(1) if m else text


def undo_spreadsheet_decimals(text: str) -> str:
    """The same for a postal code inside a line: ``"13890.0 MOURIES"`` → ``"13890 MOURIES"``."""
    return _CODE_WITH_DECIMAL_ZERO.sub(r"\1", text) if "0" in text else text
