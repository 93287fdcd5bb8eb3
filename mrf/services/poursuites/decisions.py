"""Use case: the comptable decides a debtor's request, with its reason; the debtor gets a numbered letter.

The decision (a new ``RequestDecision``), the remise's effect on the RAR, the letter and the audit line are
written in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...extensions import db
from ...models import Demande, Document, RequestDecision
from ..comptes.consolide import PoursuitesError, load_account
from ..errors import Introuvable, refus_des_bibliotheques
from .demandes import decide_in
from .habilitations import comptable, reason_required
from .lettres_demandes import letter_for_decision
from .perimetre import refus_audite

STATUS_LABELS = {"acceptee": "Accordée", "refusee": "Rejetée", "retiree": "Retirée", "defaillant": "Défaillant",
                 "solde": "Soldé", "annulee": "Annulée"}


@dataclass(frozen=True)
class DecisionNotifiee:
    decision_id: int
    status: str
    document_id: int
    document_number: str
    redevable_id: int


@refus_des_bibliotheques(PoursuitesError)
def decide(request_id: int, status: str, reason: str, agent_id: int | None, on: date | None = None,
           amount_cents: int | None = None) -> DecisionNotifiee:
    """Record the comptable's decision on request ``request_id`` and issue its letter."""
    on = on or date.today()
    text = reason_required(reason)
    with refus_audite(agent_id, "decision_demande", request_id=request_id), db.transaction() as session:
        req = session.get(Demande, int(request_id))
        if req is None:
            raise Introuvable(f"Demande inconnue : {request_id}.")
        comptable(session, agent_id, req.redevable_id, "décider une demande du redevable")
        decision: RequestDecision = decide_in(session, req.id, status, on, agent_id, text, amount_cents=amount_cents)
        account = load_account(session, req.redevable_id, on)
        doc: Document = letter_for_decision(session, account, decision, agent_id)
        return DecisionNotifiee(decision.id, decision.status, doc.id, doc.number, account.id)


__all__ = ["STATUS_LABELS", "DecisionNotifiee", "decide"]
