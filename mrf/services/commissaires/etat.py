"""A dossier's state, deadlines and alerts, read from its append-only events.

- ``clos``: ended by the comptable (stop, cancellation, remise, ANV, once sent) or by the étude's
  stop; ``solde``: nothing remains due on its titres; ``suspendu``: délais granted, contestation or surendettement sent;
- ``echu``: the phase is over without full payment — the comptable resumes poursuites (art. 11);
- ``en_cours`` otherwise.
Deadlines: ``poursuites.huissier`` (75/60 days, 50 days, extensions granted by the comptable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from poursuites.huissier import (
    Phase,
    invoice_payment_deadline,
    phase_comminatoire_deadline,
    phase_judiciaire_deadline,
    relances_dues,
)
from poursuites.model import date_fr, euros

from ...models import DossierCommissaire, DossierEvenement
from .regles import premier_courrier_jours

ETATS = {"en_cours": "En cours", "suspendu": "Suspendu", "echu": "Phase échue : reprise des poursuites",
         "solde": "Soldé", "clos": "Clos"}
#: Events that end the commissaire's work on the dossier.
CLOTURANTS = frozenset({"annulation", "remise", "anv", "arret_demande", "arret", "cloture"})
#: Events that suspend it.
SUSPENSIFS = frozenset({"delais", "contestation", "surendettement"})

LIBELLES = {
    "paiement": "Paiement", "delais": "Délais de paiement accordés", "contestation": "Contestation en cours",
    "remise": "Remise gracieuse", "annulation": "Annulation de la créance", "anv": "Admission en non-valeur",
    "surendettement": "Procédure de surendettement", "arret_demande": "Arrêt demandé par le comptable",
    "accuse_reception": "Accusé de réception de l'étude", "insolvabilite": "Insolvabilité constatée",
    "pli_non_distribuable": "Pli non distribuable", "disparition": "Disparition du débiteur",
    "nouvelle_adresse": "Nouvelle adresse", "arret": "Arrêt à la demande du comptable (retour de l'étude)",
    "prolongation_demandee": "Prolongation demandée", "prolongation_accordee": "Prolongation accordée",
    "prolongation_refusee": "Prolongation refusée", "facture": "Facture de l'étude", "cloture": "Clôture",
    "facture_payee": "Facture de l'étude payée",
}


@dataclass(frozen=True)
class Alerte:
    due_on: date
    label: str


@dataclass(frozen=True)
class EtatDossier:
    etat: str
    echeance: date
    prolongation_jours: int
    accuse: bool
    recouvre_cents: int  # collected by the étude
    paye_comptable_cents: int  # paid to the comptable during the phase
    frais_cents: int
    alertes: tuple[Alerte, ...]

    @property
    def libelle(self) -> str:
        return ETATS[self.etat]

    @property
    def ouvert(self) -> bool:
        return self.etat in ("en_cours", "suspendu")


def echeance(d: DossierCommissaire, prolongation_jours: int = 0) -> date:
    if d.phase == Phase.JUDICIAIRE.value:
        return phase_judiciaire_deadline(d.transmis_le) + timedelta(days=prolongation_jours)
    return phase_comminatoire_deadline(d.transmis_le, d.reconduit, prolongation_jours)


def etat(d: DossierCommissaire, events: list[DossierEvenement], rar_cents: int, on: date) -> EtatDossier:
    """The state of ``d`` on ``on``; ``rar_cents``: what remains due on its titres."""
    kinds = {e.kind for e in events}
    ext = sum(int(e.details.get("jours", 0)) for e in events if e.kind == "prolongation_accordee")
    end = echeance(d, ext)
    accuse = "accuse_reception" in kinds
    recouvre = sum(e.montant_cents for e in events if e.sens == "retour" and e.kind == "paiement")
    paye = sum(e.montant_cents for e in events if e.sens == "aller" and e.kind == "paiement")
    frais = sum(e.frais_cents for e in events)
    if kinds & CLOTURANTS:
        state = "clos"
    elif rar_cents <= 0:
        state = "solde"
    elif kinds & SUSPENSIFS:
        state = "suspendu"
    elif on > end:
        state = "echu"
    else:
        state = "en_cours"
    alertes: list[Alerte] = []
    if state == "en_cours":
        if not accuse:
            first = d.transmis_le + timedelta(days=premier_courrier_jours())
            if on >= first:
                alertes.append(Alerte(first, f"Premier courrier de l'étude attendu au plus tard le {date_fr(first)}"))
        alertes += [Alerte(r.due_on, r.label) for r in relances_dues(d.transmis_le, on, accuse, rar_cents <= 0)]
        asked = [e for e in events if e.kind == "prolongation_demandee"]
        decided = {e.details.get("demande") for e in events
                   if e.kind.startswith("prolongation_") and e.sens == "interne"}
        alertes += [Alerte(e.survenu_le, f"Prolongation de {e.details.get('jours', 0)} jour(s) demandée : "
                                         "décision du comptable attendue") for e in asked if e.id not in decided]
    if state == "echu":
        alertes.append(Alerte(end, f"Phase terminée le {date_fr(end)} sans paiement intégral : "
                                   "reprendre les poursuites"))
    paid_invoices = {e.details.get("facture") for e in events if e.kind == "facture_payee"}
    for e in events:
        if e.kind == "paiement" and e.sens == "retour" and e.details.get("reversement_tardif"):
            alertes.append(Alerte(e.survenu_le, f"Reversement tardif : attendu au plus tard le "
                                                f"{date_fr(date.fromisoformat(e.details['reversement_limite']))}"))
        if e.kind == "facture" and e.id not in paid_invoices:
            due = invoice_payment_deadline(e.survenu_le)
            alertes.append(Alerte(due, f"Facture de {euros(e.montant_cents)} à payer au plus tard le "
                                       f"{date_fr(due)} (intérêts moratoires au-delà)"))
    return EtatDossier(state, end, ext, accuse, recouvre, paye, frais, tuple(sorted(alertes, key=lambda a: a.due_on)))
