"""Words of the poursuites, stored as these exact strings in the database (``StrEnum``)."""

from __future__ import annotations

from enum import StrEnum

from poursuites.legal import load


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

#: Means of a payment (``payment.means``): those an agent records, and those a commissaire de justice's
#: return names (``cj_`` + ``poursuites.huissier.ModeReversement``).
MOYEN_PAIEMENT_LABELS: dict[str, str] = {
    "virement": "Virement", "cheque": "Chèque", "carte": "Carte bancaire", "prelevement": "Prélèvement",
    "especes": "Espèces", "cj_cheque_tresor": "Chèque sur le Trésor (commissaire de justice)",
    "cj_especes": "Espèces (commissaire de justice)", "cj_autre": "Autre moyen (commissaire de justice)",
}

#: Kinds of stored documents (``document.kind``): notices, letters, refunds.
DOCUMENT_LABELS: dict[str, str] = {
    "satd_tiers": "SATD — avis au tiers détenteur",
    "satd_redevable": "SATD — notification au redevable",
    "mainlevee": "Mainlevée de SATD",
    "mise_en_demeure": "Mise en demeure de payer",
    "lettre_relance": "Lettre de relance",
    "decision_demande": "Décision sur une demande",
    "plan_defaillant": "Plan de règlement non respecté",
    "remboursement": "Remboursement d'un excédent",
}

def _decideurs_anv() -> dict[str, str]:
    """Who decides an admission en non-valeur, per line of a proposal (``services.poursuites.anv``): the
    words of the versioned legal data (``poursuites/data/anv.toml``), never restated here."""
    data = load("anv")
    return {"comptable": data["impots"]["decideur"], "comptable_cour_des_comptes": data["amendes"]["decideur"],
            "assemblee_deliberante": data["secteur_local"]["decideur"],
            "executif_delegation": data["secteur_local"]["delegation"]["decideur"]}


DECIDEUR_ANV_LABELS: dict[str, str] = _decideurs_anv()

__all__ = ["DECIDEUR_ANV_LABELS", "DOCUMENT_LABELS", "MOYEN_PAIEMENT_LABELS", "SOURCE_RENSEIGNEMENT_LABELS", "Payeur",
           "ReponseTiers", "StatutAnv", "TypeActe", "TypeDemande"]
