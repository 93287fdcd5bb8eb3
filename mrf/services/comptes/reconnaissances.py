"""The debtor's acknowledgements of each créance, for prescription (C. civ. 2240; LPF L274, CGCT
L1617-5 3°): a payment by the debtor himself imputed on it (part-payment) and a request for a payment
plan naming it. Payments by a tiers or an officer are not the debtor's acknowledgement; a reversed
payment acknowledges nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.model import Reconnaissance, ReconnaissanceKind

from ...models import Demande, Imputation, Payment
from ..poursuites.vocabulaire import Payeur, TypeDemande


def reconnaissances_of(session: Session, creance_ids: Iterable[int], requests: Sequence[Demande],
                       on: date) -> dict[int, tuple[Reconnaissance, ...]]:
    """Acknowledgements up to ``on`` per créance id, by date."""
    cids = list(creance_ids)
    out: dict[int, set[Reconnaissance]] = defaultdict(set)
    if cids:
        reversed_ids = select(Payment.reverses_id).where(Payment.reverses_id.is_not(None), Payment.received_on <= on)
        for cid, received in session.execute(
                select(Imputation.creance_id, Payment.received_on).join(Payment, Payment.id == Imputation.payment_id)
                .where(Imputation.creance_id.in_(cids), Imputation.amount_cents > 0, Payment.received_on <= on,
                       Payment.payer == Payeur.REDEVABLE.value, Payment.reverses_id.is_(None),
                       Payment.id.not_in(reversed_ids))):
            out[cid].add(Reconnaissance(ReconnaissanceKind.PAIEMENT_PARTIEL, received))
    wanted = set(cids)
    for req in requests:
        if req.kind != TypeDemande.PLAN_REGLEMENT.value or req.received_on > on:
            continue
        for cid in req.creance_ids or []:
            if int(cid) in wanted:
                out[int(cid)].add(Reconnaissance(ReconnaissanceKind.DEMANDE_PLAN, req.received_on))
    return {cid: tuple(sorted(rs, key=lambda r: (r.date, r.kind.value))) for cid, rs in out.items()}
