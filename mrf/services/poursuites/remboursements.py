"""A tiers' payment under an SATD: imputed only to the créances of that act
(:func:`poursuites.imputation.impute_paiement_tiers`); what exceeds them is a ``Remboursement`` row with
its numbered refund notice (PDF), never imputed to another créance of the account."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from poursuites.documents import render_document
from poursuites.imputation import Imputation as LibraryImputation
from poursuites.imputation import impute_paiement_tiers

from ...models import Acte, Payment, Remboursement, Structure
from ..comptes.consolide import ANY_SATD_KINDS, CompteCharge
from .documents import next_numbers, store

TEMPLATE = "documents/remboursement.html"


def is_satd(acte: Acte | None) -> bool:
    return acte is not None and acte.kind in ANY_SATD_KINDS


def impute_tiers(account: CompteCharge, amount_cents: int, received_on: date, acte: Acte) -> LibraryImputation:
    """The imputation of a tiers' payment on the SATD ``acte``: its own créances only (ValueError when the
    act covers none of the account's créances)."""
    views = list(account.compte(include_anv=True).creances)
    return impute_paiement_tiers(amount_cents, str(acte.id), [str(line.creance_id) for line in acte.lines],
                                 views, received_on).imputation


def record_refund(session: Session, account: CompteCharge, payment: Payment, acte: Acte,
                  imputation: LibraryImputation, agent_id: int | None) -> Remboursement:
    """The refund of ``imputation.overpayment_cents`` to the tiers, with its numbered notice."""
    tiers = account.renseignements.get(acte.renseignement_id) if acte.renseignement_id else None
    beneficiary = ((tiers.name if tiers is not None else None) or "Tiers détenteur")[:200]
    structure = session.get(Structure, acte.structure_id) if acte.structure_id else account.assigned
    if structure is None:
        structure = account.comptable_for(next(iter(account.creances.values())))
    [number] = next_numbers(session, "REMB", structure, payment.received_on.year, 1)
    lignes = [(account.creances[int(line.creance_id)].reference, line.amount_cents) for line in imputation.lines]
    rendered = render_document(
        TEMPLATE, number=number, comptable=structure.name, on=payment.received_on, beneficiaire=beneficiary,
        paiement_cents=payment.amount_cents, recu_le=payment.received_on, acte_id=acte.id, acte_date=acte.issued_on,
        redevable=account.redevable_view.display_name, lignes=lignes, montant_cents=imputation.overpayment_cents)
    doc = store(session, number, "remboursement", account.id, acte.id, rendered, agent_id)
    session.flush()
    row = Remboursement(redevable_id=account.id, payment_id=payment.id, acte_id=acte.id,
                        amount_cents=imputation.overpayment_cents, beneficiary=beneficiary, document_id=doc.id,
                        agent_id=agent_id)
    session.add(row)
    session.flush()
    return row


__all__ = ["impute_tiers", "is_satd", "record_refund"]
