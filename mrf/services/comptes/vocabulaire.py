"""Words of the consolidated account, stored as these exact strings in the database (``StrEnum``)."""

from __future__ import annotations

from enum import StrEnum

from poursuites.model import Product as Produit  # the products are the library's: one vocabulary

PRODUITS: tuple[str, ...] = tuple(p.value for p in Produit)  # plain strings, as stored


class StatutCreance(StrEnum):
    EN_COURS = "en_cours"
    SOLDEE = "soldee"
    ANNULEE = "annulee"


class Source(StrEnum):
    """The source application a record comes from."""

    IMPOTS = "impots"
    AMENDES = "amendes"
    SECTEUR_LOCAL = "secteur_local"


__all__ = ["PRODUITS", "Produit", "Source", "StatutCreance"]
