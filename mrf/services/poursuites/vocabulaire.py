"""Words of the poursuites, stored as these exact strings in the database (``StrEnum``)."""

from __future__ import annotations

from enum import StrEnum


class TypeActe(StrEnum):
    SATD = "satd"  # acts recorded before SATD were split by kind of tiers
    SATD_BANQUE = "satd_banque"
    SATD_TIERS = "satd_tiers"
    MISE_EN_DEMEURE = "mise_en_demeure"
    SAISIE_VENTE = "saisie_vente"
    MAINLEVEE = "mainlevee"
    ANNULATION = "annulation"


class ReponseTiers(StrEnum):
    POSITIVE = "positive"
    PAS_DE_COMPTE = "pas_de_compte"
    PAS_DE_SALAIRE = "pas_de_salaire"
    DEJA_SAISI = "deja_saisi"
    AUTRE = "autre"


class TypeDemande(StrEnum):
    PLAN_REGLEMENT = "plan_reglement"
    CONTESTATION = "contestation"
    REMISE_GRACIEUSE = "remise_gracieuse"


class StatutAnv(StrEnum):
    PROPOSEE = "proposee"
    ADMISE = "admise"
    REFUSEE = "refusee"
    REPRISE = "reprise"


class Payeur(StrEnum):
    REDEVABLE = "redevable"
    TIERS = "tiers"
    COMMISSAIRE_DE_JUSTICE = "huissier"  # stored value kept from before the profession's new name


#: Where a renseignement (bank account, employer, address) comes from: code → what a person reads.
SOURCE_RENSEIGNEMENT_LABELS: dict[str, str] = {
    "agent": "Constat de l'agent", "redevable": "Déclaration du redevable", "ficoba": "FICOBA",
    "huissier": "Commissaire de justice", "caf": "CAF", "impots": "Impôts", "amendes": "Amendes",
    "secteur_local": "Secteur local",
}

__all__ = ["SOURCE_RENSEIGNEMENT_LABELS", "Payeur", "ReponseTiers", "StatutAnv", "TypeActe", "TypeDemande"]
