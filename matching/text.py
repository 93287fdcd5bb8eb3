"""Character-level folding shared by every normaliser: upper case, no accents, no punctuation."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"Œ": "OE", "œ": "OE", "Æ": "AE", "æ": "AE", "ß": "SS"})
_SEPARATORS = re.compile(r"[^A-Z0-9]+")


def fold(text: str | None) -> str:
    """Upper-case, accent-free text where every run of non-alphanumerics is one space.

    Apostrophes, hyphens, dots, commas and slashes are separators: ``"D'Artagnan-Lévêque."``
    becomes ``"D ARTAGNAN LEVEQUE"``.
    """
    if not text:
        return ""
    text = text.translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return _SEPARATORS.sub(" ", text).strip()


def tokens(text: str | None) -> list[str]:
    """The folded words of ``text``."""
    folded = fold(text)
    return folded.split() if folded else []
