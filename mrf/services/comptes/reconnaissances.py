"""The debtor's acknowledgements of each créance, for prescription (C. civ. 2240; LPF L274, CGCT
L1617-5 3°): a payment by the debtor himself imputed on it (part-payment) and a request for a payment
plan naming it. Payments by a tiers or an officer are not the debtor's acknowledgement; a reversed
payment acknowledges nothing.

:func:`reconnaissances_of` is the loader's form (the library's input, ``CreanceView.reconnaissances``);
:func:`last_acknowledgement_sql` is the same rule in SQL for set-based loaders (the work list, the
panels' summaries), tested equal on the same data. Whether an acknowledgement interrupts a product's
prescription is the library's versioned data (``ACKNOWLEDGED_PRODUCTS``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import JSON, Integer, Subquery, case, cast, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from poursuites.legal import reconnaissance_interrompt
from poursuites.model import Product, Reconnaissance, ReconnaissanceKind

from ...models import Demande, Imputation, Payment
from ..poursuites.vocabulaire import Payeur, TypeDemande

#: Products whose prescription the debtor's acknowledgement interrupts (``poursuites/data/delais.toml``).
ACKNOWLEDGED_PRODUCTS: tuple[str, ...] = tuple(p.value for p in Product if reconnaissance_interrompt(p)[0])


def _part_payments(on: date) -> Any:
    """SELECT (créance id, date) of the debtor's own, unreversed payments imputed on a créance by ``on``."""
    reversed_ids = select(Payment.reverses_id).where(Payment.reverses_id.is_not(None), Payment.received_on <= on)
    return (select(Imputation.creance_id.label("creance_id"), Payment.received_on.label("on"))
            .join(Payment, Payment.id == Imputation.payment_id)
            .where(Imputation.amount_cents > 0, Payment.received_on <= on, Payment.payer == Payeur.REDEVABLE.value,
                   Payment.reverses_id.is_(None), Payment.id.not_in(reversed_ids)))


def reconnaissances_of(session: Session, creance_ids: Iterable[int], requests: Sequence[Demande],
                       on: date) -> dict[int, tuple[Reconnaissance, ...]]:
    """Acknowledgements up to ``on`` per créance id, by date."""
    cids = list(creance_ids)
    out: dict[int, set[Reconnaissance]] = defaultdict(set)
    if cids:
        for cid, received in session.execute(_part_payments(on).where(Imputation.creance_id.in_(cids))):
            out[cid].add(Reconnaissance(ReconnaissanceKind.PAIEMENT_PARTIEL, received))
    wanted = set(cids)
    for req in requests:
        if req.kind != TypeDemande.PLAN_REGLEMENT.value or req.received_on > on:
            continue
        for cid in req.creance_ids or []:
            if int(cid) in wanted:
                out[int(cid)].add(Reconnaissance(ReconnaissanceKind.DEMANDE_PLAN, req.received_on))
    return {cid: tuple(sorted(rs, key=lambda r: (r.date, r.kind.value))) for cid, rs in out.items()}


def last_acknowledgement_sql(as_of: date, sqlite: bool, creance_ids: Any = None) -> Subquery:
    """The SQL form of :func:`reconnaissances_of`' latest date: columns ``creance_id`` and ``on``, one row
    per créance acknowledged by ``as_of`` (whatever its product: see ``ACKNOWLEDGED_PRODUCTS``).

    ``creance_ids`` (a SELECT of ids, optional) restricts the part-payments read, for speed."""
    payments = _part_payments(as_of)
    if creance_ids is not None:
        payments = payments.where(Imputation.creance_id.in_(creance_ids))
    # Demande.creance_ids is a JSON array (of ints, or of their strings): one row per element
    # (a JSON null or scalar, which the Python form reads as no créance, names none here either)
    each, kind_of = (func.json_each, func.json_type) if sqlite else (func.json_array_elements_text, func.json_typeof)
    empty = func.json("[]") if sqlite else cast(literal("[]"), JSON)
    array = case((kind_of(Demande.creance_ids) == "array", Demande.creance_ids), else_=empty)
    named = each(array).table_valued("value").alias("named")
    plans = (select(cast(named.c.value, Integer).label("creance_id"), Demande.received_on.label("on"))
             .select_from(Demande).join(named, true())
             .where(Demande.kind == TypeDemande.PLAN_REGLEMENT.value, Demande.received_on <= as_of))
    every = union_all(payments, plans).subquery("acknowledged")
    return (select(every.c.creance_id.label("creance_id"), func.max(every.c.on).label("on"))
            .group_by(every.c.creance_id).subquery())
