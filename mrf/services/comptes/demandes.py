"""The debtor's requests of an account on a date, as the flags the poursuites library applies.

- a **contestation** not yet closed suspends its créances (one contested without *sursis de
  paiement* suspends nothing);
- a **payment plan** granted (``acceptee``) suspends its créances while honoured, from its schedule
  and the payments imputed on them (:func:`poursuites.requests.plan_status`); a plan recorded
  ``defaillant`` or ``refusee`` suspends nothing.
The latest ``RequestDecision`` of a request, by its date, is in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.requests import Contestation, Echeance, Paiement, PlanDeReglement, PlanStatus, plan_status

from ...models import Demande, Imputation, Payment, RequestDecision
from ..poursuites.vocabulaire import TypeDemande
from .famille import Familles, chunks

#: Latest ``RequestDecision.status`` after which a contestation no longer suspends anything.
CONTESTATION_CLOSED_STATUSES = frozenset({"acceptee", "refusee", "retiree"})
#: Latest ``RequestDecision.status`` under which a payment plan is granted and in force (the
#: poursuites service records ``defaillant`` on a missed instalment, ``solde`` once paid).
PLAN_HONOURED_STATUSES = frozenset({"acceptee"})
REQUEST_KINDS: tuple[str, ...] = tuple(t.value for t in TypeDemande)
#: Statuses of ``RequestDecision`` per kind of request (the latest decision is in force).
REQUEST_STATUSES: dict[str, tuple[str, ...]] = {
    "plan_reglement": ("acceptee", "refusee", "defaillant", "solde", "annulee"),
    "contestation": ("acceptee", "refusee", "retiree"),
    "remise_gracieuse": ("acceptee", "refusee"),
}
#: Latest statuses after which a contestation no longer suspends anything.
CONTESTATION_CLOSED = CONTESTATION_CLOSED_STATUSES
#: Latest statuses under which a payment plan is granted (then honoured or not, from its schedule).
PLAN_GRANTED = PLAN_HONOURED_STATUSES


@dataclass(frozen=True)
class PlanReglementInfo:
    request_id: int
    creance_ids: tuple[int, ...]
    latest_status: str | None
    status: PlanStatus | None  # computed from the schedule when granted


@dataclass
class DemandesDuCompte:
    """The requests of an account on a date and what they mean for its créances."""

    requests: list[Demande] = field(default_factory=list)  # received by the date, oldest first
    contestations: list[Contestation] = field(default_factory=list)  # the library's input
    contested: set[int] = field(default_factory=set)  # créance ids under a contestation not closed
    plans: list[PlanReglementInfo] = field(default_factory=list)
    plans_lib: list[tuple[PlanDeReglement, list[Paiement]]] = field(default_factory=list)  # granted plans


def read_requests(session: Session, familles: Familles, on: date) -> tuple[dict[int, list[Demande]],
                                                                          dict[int, RequestDecision]]:
    """(per root, the requests of its family received by ``on``, oldest first; the latest decision of
    each request by ``on``, by request id)."""
    rows = [r for part in chunks(familles.ids) for r in session.scalars(
        select(Demande).where(Demande.redevable_id.in_(part), Demande.received_on <= on))]
    requests: dict[int, list[Demande]] = {root: [] for root in familles.families}
    for r in sorted(rows, key=lambda r: (r.received_on, r.id)):
        requests[familles.owner[r.redevable_id]].append(r)
    decisions = [d for part in chunks(r.id for r in rows) for d in session.scalars(
        select(RequestDecision).where(RequestDecision.request_id.in_(part), RequestDecision.decided_on <= on))]
    latest = {d.request_id: d for d in sorted(decisions, key=lambda d: (d.decided_on, d.id))}
    return requests, latest


def plan_payments(session: Session, requests: Iterable[Demande], on: date) -> dict[int, list[tuple[date, int, int]]]:
    """Créance id -> (received on, payment id, cents imputed) of the payments received by ``on`` on the
    créances the payment plan requests name."""
    named = {int(i) for req in requests if req.kind == TypeDemande.PLAN_REGLEMENT for i in (req.creance_ids or [])}
    paid: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for part in chunks(named):
        for cid, pid, received, amount in session.execute(
                select(Imputation.creance_id, Payment.id, Payment.received_on, Imputation.amount_cents)
                .join(Payment, Payment.id == Imputation.payment_id)
                .where(Imputation.creance_id.in_(part), Payment.received_on <= on)):
            paid[cid].append((received, pid, amount))
    return paid


def demandes_of(requests: list[Demande], latest: Mapping[int, RequestDecision], creance_ids: Collection[int],
                paid: Mapping[int, list[tuple[date, int, int]]], on: date) -> DemandesDuCompte:
    """The requests of one account (from :func:`read_requests`) on ``on``, restricted to its créances
    (``paid``: :func:`plan_payments`)."""
    out = DemandesDuCompte(requests=requests)
    for req in requests:
        dec = latest.get(req.id)
        if req.kind == TypeDemande.CONTESTATION:
            _contest(out, req, dec, _creances_named(req, creance_ids))
        elif req.kind == TypeDemande.PLAN_REGLEMENT:
            _payment_plan(out, req, dec, _creances_named(req, creance_ids), paid, on)
    return out


def _creances_named(req: Demande, creance_ids: Collection[int]) -> tuple[int, ...]:
    """The créances of the account a request names (a request may name créances since moved away)."""
    return tuple(int(i) for i in (req.creance_ids or []) if int(i) in creance_ids)


def _contest(out: DemandesDuCompte, req: Demande, dec: RequestDecision | None, ids: tuple[int, ...]) -> None:
    if (req.details or {}).get("sursis") is False:
        return  # contested without sursis de paiement: recovery goes on
    closed = dec.decided_on if dec is not None and dec.status in CONTESTATION_CLOSED else None
    for cid in ids:
        out.contestations.append(Contestation(str(cid), req.received_on, closed))
        if closed is None:
            out.contested.add(cid)


def _payment_plan(out: DemandesDuCompte, req: Demande, dec: RequestDecision | None, ids: tuple[int, ...],
                  paid: Mapping[int, list[tuple[date, int, int]]], on: date) -> None:
    """The plan's latest status and, when granted, whether its schedule is honoured on ``on``."""
    status: PlanStatus | None = None
    schedule = schedule_of(req)
    if dec is not None and dec.status in PLAN_GRANTED and schedule:
        plan = PlanDeReglement(str(req.id), tuple(str(i) for i in ids), schedule, req.received_on,
                               int((req.details or {}).get("delai_de_grace_jours", 0)))
        by_payment: dict[tuple[int, date], int] = defaultdict(int)
        for cid in ids:
            for received, pid, amount in paid.get(cid, ()):
                by_payment[(pid, received)] += amount
        payments = [Paiement(received, amount) for (_, received), amount in sorted(by_payment.items())]
        status = plan_status(plan, payments, on)
        out.plans_lib.append((plan, payments))
    out.plans.append(PlanReglementInfo(req.id, ids, dec.status if dec else None, status))


def schedule_of(req: Demande) -> tuple[Echeance, ...]:
    """The schedule (échéancier) recorded with a payment plan request."""
    rows = (req.details or {}).get("echeancier") or []
    return tuple(Echeance(date.fromisoformat(str(r["due_on"])), int(r["amount_cents"])) for r in rows)
