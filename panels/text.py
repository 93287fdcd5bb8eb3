"""French formatting helpers for the messages the library produces."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .model import PRODUCT_LABELS


def euros(cents: int) -> str:
    """``123456`` → ``"1 234,56 €"``, ``50000`` → ``"500 €"`` (plain spaces, decimal comma)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    head = f"{sign}{whole:,}".replace(",", " ")
    return f"{head} €" if frac == 0 else f"{head},{frac:02d} €"


def date_fr(d: date) -> str:
    """``date(2026, 3, 1)`` → ``"01/03/2026"`` (the product's one date format)."""
    return d.strftime("%d/%m/%Y")


def source_label(source: str) -> str:
    """A source of records in words: ``"impots"`` → ``"impôts"``, ``"secteur_local"`` → ``"secteur local"``."""
    return PRODUCT_LABELS.get(source, source.replace("_", " "))


def number(n: int) -> str:
    """``1095`` → ``"1 095"``."""
    return f"{n:,}".replace(",", " ")


def products_label(products: Iterable[str]) -> str:
    """``("amendes", "impots")`` → ``"amendes, impôts"``."""
    return ", ".join(PRODUCT_LABELS.get(p, p) for p in products)


def departement_of(code_insee: str) -> str:
    """Département of an INSEE commune code: ``"89024"`` → ``"89"``, ``"97411"`` → ``"974"``."""
    return code_insee[:3] if code_insee.startswith("97") else code_insee[:2]
