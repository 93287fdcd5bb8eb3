"""The details of an audit entry as a person reads them: French labels, euros, dates, short lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from poursuites.imputation import ImputationRule
from poursuites.model import date_fr, euros

from ..comptes.vocabulaire import PRODUIT_LABELS, SOURCE_LABELS
from .vocabulaire import ROLE_LABELS

LABELS = {
    "amount_cents": "Montant", "montant_cents": "Montant", "page": "Page", "comptes": "Comptes affichés",
    "paires": "Paires affichées", "tache": "Tâche", "source": "Source", "fichier": "Fichier", "role": "Rôle",
    "structure": "Structure", "origine": "Origine", "utilisateur_systeme": "Utilisateur du système",
    "fusionne_dans": "Fusionné dans le compte", "avant": "Avant", "apres": "Après", "run": "Rapprochement n°",
    "relance_de": "Relance de la tâche", "decision": "Décision", "commentaire": "Commentaire",
    "tiers": "Tiers", "acte": "Acte", "on": "Date", "date": "Date", "ended": "Affectations terminées",
    "created": "Créés", "records": "Enregistrements", "accounts": "Comptes", "seed": "Graine",
    "counts": "Effectifs", "redevable_id": "Compte", "structure_id": "Structure n°", "q": "Recherche",
    "products": "Produits", "limit": "Limite", "nombre": "Nombre", "paiement": "Paiement", "kind": "Type",
    "payer": "Payeur", "reference": "Référence", "received_on": "Reçu le", "lignes": "Lignes",
    "methode": "Méthode", "chemin": "Chemin", "sessions_fermees": "Sessions fermées", "login": "Identifiant",
    "motif": "Motif", "jours": "Jours", "numero": "Numéro", "identifiant": "Identifiant", "canal": "Canal",
    "rule": "Règle d'imputation", "overpayment_cents": "Excédent à rembourser",
}
SHOWN_ITEMS = 12

#: Why a sign-in failed (``users.authenticate``), as the journal shows it.
MOTIFS_ECHEC = {
    "identifiant_inconnu": "identifiant inconnu", "compte_desactive": "compte désactivé",
    "mot_de_passe_errone": "mot de passe erroné", "tentatives_trop_nombreuses": "trop de tentatives",
}
#: Values of these keys are codes of a vocabulary: shown by its label table.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "role": ROLE_LABELS, "products": PRODUIT_LABELS, "product": PRODUIT_LABELS, "source": SOURCE_LABELS,
    "motif": MOTIFS_ECHEC, "rule": {rule.value: rule.label for rule in ImputationRule},
}


def _label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    text = key.removesuffix("_cents").replace("_", " ")
    return text[:1].upper() + text[1:]


def _value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    labels = VALUE_LABELS.get(key)
    if labels is not None:
        if isinstance(value, str):
            return labels.get(value, value)
        if isinstance(value, (list, tuple)):
            return ", ".join(labels.get(v, str(v)) for v in value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if key.endswith("_cents") and isinstance(value, int):
        return euros(value)
    if isinstance(value, (list, tuple)):
        shown = ", ".join(_value("", v) for v in value[:SHOWN_ITEMS])
        return shown + (f"… ({len(value)} au total)" if len(value) > SHOWN_ITEMS else "")
    if isinstance(value, dict):
        return " ; ".join(f"{_label(k)} : {_value(k, v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return date_fr(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def details_lisibles(details: dict | None) -> list[tuple[str, str]]:
    """(label, value) pairs in the order they were written."""
    return [(_label(k), _value(k, v)) for k, v in (details or {}).items()]

OBJECT_LABELS = {
    "redevable": "Compte", "document": "Document", "agent": "Utilisateur", "acte": "Acte", "panel": "Panel",
    "match_pair": "Paire de rapprochement", "match_run": "Rapprochement", "source_record": "Enregistrement source",
    "import_batch": "Import", "structure": "Structure", "tache": "Tâche", "recherche": "Recherche",
    "comptes": "Comptes consolidés", "dossier_commissaire": "Dossier de commissaire de justice",
    "demande_commissaire": "Demande au commissaire de justice", "etude": "Étude de commissaire de justice",
    "fichier": "Fichier", "page": "Page", "review_decision": "Décision de rapprochement",
    "arrondissement_commune": "Table des arrondissements",
}
