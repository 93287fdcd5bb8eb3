"""Debtor requests handled once for the whole consolidated account.

- **Plan de règlement** over several créances: a schedule of instalments. While it is honoured,
  poursuites on its créances are suspended; a missed instalment resumes them.
  :func:`plan_status` decides the state from the schedule and the payments at a date (pure).
  An instalment is missed when, once its due date plus the grace period has passed, the
  payments received by then do not cover the cumulated instalments due by that date.
- **Contestation**: suspends poursuites on the contested créance only, until decided.
- **Remise gracieuse**: routed per créance to the authority that decides (it extinguishes the
  debt, unlike an ANV); the request alone does not suspend poursuites.

:func:`apply_requests` returns the créances with their ``in_honoured_plan`` and ``contested``
flags set from the requests, ready for eligibility and planning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .legal import load
from .model import CreanceView, Product, date_fr, euros


@dataclass(frozen=True, slots=True)
class Echeance:
    due_on: date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Paiement:
    received_on: date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class PlanDeReglement:
    id: str
    creance_ids: tuple[str, ...]
    echeances: tuple[Echeance, ...]
    granted_on: date
    grace_days: int = 0

    @property
    def total_cents(self) -> int:
        return sum(e.amount_cents for e in self.echeances)


def add_months(value: date, months: int) -> date:
    y, m = divmod(value.month - 1 + months, 12)
    year, month = value.year + y, m + 1
    for day in (value.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def build_schedule(total_cents: int, first_due: date, count: int, every_months: int = 1) -> tuple[Echeance, ...]:
    """``count`` instalments, one every ``every_months`` months from ``first_due``; equal amounts,
    the remainder cents on the first instalment."""
    if count < 1:
        raise ValueError("Un plan de règlement comporte au moins une échéance.")
    if total_cents <= 0:
        raise ValueError("Le montant du plan de règlement doit être strictement positif.")
    base, rest = divmod(total_cents, count)
    return tuple(
        Echeance(add_months(first_due, i * every_months), base + (rest if i == 0 else 0)) for i in range(count)
    )


class PlanState(StrEnum):
    RESPECTE = "respecte"
    DEFAILLANT = "defaillant"
    SOLDE = "solde"


@dataclass(frozen=True, slots=True)
class PlanStatus:
    state: PlanState
    suspends_poursuites: bool
    paid_cents: int
    expected_cents: int  # cumulated instalments due by the date
    missed: Echeance | None
    reason: str


def plan_status(plan: PlanDeReglement, payments: Sequence[Paiement], on: date) -> PlanStatus:
    grace = timedelta(days=plan.grace_days)
    relevant = sorted((p for p in payments if plan.granted_on <= p.received_on <= on), key=lambda p: p.received_on)
    paid = sum(p.amount_cents for p in relevant)
    expected = 0
    for e in sorted(plan.echeances, key=lambda e: e.due_on):
        deadline = e.due_on + grace
        if deadline >= on:
            break  # not yet late on the date
        expected += e.amount_cents
        paid_by_then = sum(p.amount_cents for p in relevant if p.received_on <= deadline)
        if paid_by_then < expected:
            return PlanStatus(
                PlanState.DEFAILLANT, False, paid, expected, e,
                f"Échéance du {date_fr(e.due_on)} ({euros(e.amount_cents)}) impayée : plan de règlement "
                f"caduc, reprise des poursuites sur les créances du plan.",
            )
    due_now = sum(e.amount_cents for e in plan.echeances if e.due_on <= on)
    if paid >= plan.total_cents:
        return PlanStatus(PlanState.SOLDE, True, paid, due_now, None, "Plan de règlement entièrement payé.")
    return PlanStatus(
        PlanState.RESPECTE, True, paid, due_now, None,
        f"Plan de règlement respecté ({euros(paid)} payés sur {euros(plan.total_cents)}) : poursuites suspendues.",
    )


@dataclass(frozen=True, slots=True)
class Contestation:
    creance_id: str
    filed_on: date
    decided_on: date | None = None

    def suspends(self, on: date) -> bool:
        return self.filed_on <= on and (self.decided_on is None or on < self.decided_on)


def apply_requests(
    creances: Sequence[CreanceView],
    on: date,
    plans: Sequence[tuple[PlanDeReglement, Sequence[Paiement]]] = (),
    contestations: Sequence[Contestation] = (),
) -> list[CreanceView]:
    """The créances with ``in_honoured_plan`` and ``contested`` set from the requests on ``on``."""
    in_plan: set[str] = set()
    for plan, payments in plans:
        if plan_status(plan, payments, on).suspends_poursuites:
            in_plan.update(plan.creance_ids)
    contested = {c.creance_id for c in contestations if c.suspends(on)}
    out = []
    for c in creances:
        hp, ct = c.id in in_plan, c.id in contested
        if hp != c.in_honoured_plan or ct != c.contested:
            c = dataclasses.replace(c, in_honoured_plan=hp, contested=ct)
        out.append(c)
    return out


# ---------------------------------------------------------------- remise gracieuse
@dataclass(frozen=True, slots=True)
class RemiseRoute:
    creance_id: str
    product: Product
    possible: bool
    autorite: str
    base_legale: str
    reason: str


def remise_gracieuse_routes(creances: Sequence[CreanceView], creance_ids: Sequence[str]) -> list[RemiseRoute]:
    """Who decides a remise gracieuse request on each requested créance of the account."""
    data = load("anv")["remise_gracieuse"]
    by_id = {c.id: c for c in creances}
    unknown = [i for i in creance_ids if i not in by_id]
    if unknown:
        raise ValueError(f"Créance(s) inconnue(s) dans le compte : {', '.join(unknown)}.")
    routes = []
    for cid in creance_ids:
        c = by_id[cid]
        row = data[c.product.value]
        if c.cancelled or c.rar_cents <= 0:
            reason = "Créance annulée ou soldée : demande sans objet."
            possible = False
        elif row["possible"]:
            reason = f"Demande transmise à {row['autorite']} ({row['base_legale']})."
            possible = True
        else:
            reason = f"Remise gracieuse impossible : {row['autorite']}."
            possible = False
        routes.append(RemiseRoute(cid, c.product, possible, row["autorite"], row["base_legale"], reason))
    return routes
