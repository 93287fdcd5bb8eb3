"""Words of the consolidated account, stored as these exact strings in the database (``StrEnum``)."""

from __future__ import annotations

from enum import StrEnum

from poursuites.model import PRODUCT_LABELS
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


class MethodeRattachement(StrEnum):
    """How a source record came to be attached to its consolidated account (``record_link.method``)."""

    BATCH = "batch"
    INCREMENTAL = "incremental"
    SINGLETON = "singleton"
    REVUE = "revue"


# The label tables of these words: what a person reads (``libelle`` filter of the pages).
PRODUIT_LABELS: dict[str, str] = {p.value: label for p, label in PRODUCT_LABELS.items()}
SOURCE_LABELS: dict[str, str] = {Source.IMPOTS: "Impôts", Source.AMENDES: "Amendes",
                                 Source.SECTEUR_LOCAL: "Secteur local"}
STATUT_CREANCE_LABELS: dict[str, str] = {StatutCreance.EN_COURS: "en cours", StatutCreance.SOLDEE: "soldée",
                                         StatutCreance.ANNULEE: "annulée"}
METHODE_RATTACHEMENT_LABELS: dict[str, str] = {
    MethodeRattachement.BATCH: "rapprochement d'ensemble",
    MethodeRattachement.INCREMENTAL: "rattachement à l'import",
    MethodeRattachement.SINGLETON: "sans rapprochement (seul enregistrement)",
    MethodeRattachement.REVUE: "décision de revue",
}

__all__ = ["METHODE_RATTACHEMENT_LABELS", "PRODUITS", "PRODUIT_LABELS", "SOURCE_LABELS", "STATUT_CREANCE_LABELS",
           "MethodeRattachement", "Produit", "Source", "StatutCreance"]
