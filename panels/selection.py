"""Selection of the consolidated accounts that meet the criteria, with a funnel report.

Criteria are applied in a fixed order; an account removed by one criterion is counted there
only. Order: products (common debtors), territory, amounts, ages, exclusions, prescription (capacity per
structure is applied later, by :func:`panels.compose.compose_panel`, once structures are known).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ._perf import gc_paused
from .criteria import Criteria
from .errors import CriteriaError, InputError
from .model import AccountSummary
from .territory import AddressChoice, Territory
from .text import departement_of, euros, number, products_label


@dataclass(frozen=True, slots=True)
class SelectionStep:
    criterion: str  # the criteria key that removed these accounts
    label: str  # French, for the report
    removed: int
    remaining: int

    def to_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "label": self.label, "removed": self.removed, "remaining": self.remaining}


@dataclass(frozen=True, slots=True)
class SelectionReport:
    examined: int
    steps: tuple[SelectionStep, ...]

    @property
    def selected(self) -> int:
        return self.steps[-1].remaining if self.steps else self.examined

    def removed_by(self, criterion: str) -> int:
        return sum(s.removed for s in self.steps if s.criterion == criterion)

    def with_step(self, step: SelectionStep) -> SelectionReport:
        return SelectionReport(self.examined, (*self.steps, step))

    def to_dict(self) -> dict[str, Any]:
        return {"examined": self.examined, "selected": self.selected, "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True)
class Selection:
    """Accounts kept (sorted by redevable_id), the address retained for each, the report."""

    accounts: tuple[AccountSummary, ...]
    addresses: dict[int, AddressChoice]
    report: SelectionReport
    as_of: date


def resolve_as_of(criteria: Criteria, as_of: date | None) -> date:
    d = as_of or criteria.reference_date
    if d is None:
        raise CriteriaError([("reference_date", "date de référence absente : à donner dans les critères ou à l'appel")])
    return d


def select(
    accounts: Iterable[AccountSummary],
    criteria: Criteria,
    territory: Territory,
    *,
    as_of: date | None = None,
) -> Selection:
    """Keep the accounts meeting ``criteria`` at date ``as_of`` (default: ``reference_date``)."""
    with gc_paused():
        return _select(accounts, criteria, territory, resolve_as_of(criteria, as_of))


def _select(accounts: Iterable[AccountSummary], criteria: Criteria, territory: Territory, today: date) -> Selection:
    rows = list(accounts)
    examined = len(rows)
    if len({a.redevable_id for a in rows}) != examined:
        seen: set[int] = set()
        dup = next(a.redevable_id for a in rows if a.redevable_id in seen or seen.add(a.redevable_id))
        raise InputError(f"Redevable en double dans les comptes fournis : {dup}")
    steps: list[SelectionStep] = []

    def apply(key: str, label: str, keep: Callable[[AccountSummary], bool]) -> None:
        nonlocal rows
        before = len(rows)
        rows = [a for a in rows if keep(a)]
        steps.append(SelectionStep(key, label, before - len(rows), len(rows)))

    products = criteria.products
    plain = tuple(p for p in products if p != "hopital")
    need_hospital = "hopital" in products

    def owes_all(a: AccountSummary) -> bool:
        due = a.due_cents
        for p in plain:
            if due.get(p, 0) <= 0:
                return False
        return not need_hospital or a.hospital_cents > 0

    apply(
        "products",
        f"Pas de dette sur chacun des produits retenus ({products_label(products)})",
        owes_all,
    )

    # territory: best-known address, else the structures currently managing the debts
    addresses: dict[int, AddressChoice] = {}
    best = territory.best_address
    for a in rows:
        addresses[a.redevable_id] = best(a.addresses)
    deps = frozenset(criteria.departements)
    by_code = territory.by_code

    def in_departements(a: AccountSummary) -> bool:
        code = addresses[a.redevable_id].code_insee
        if code is not None:
            return departement_of(code) in deps
        return any(c in by_code and by_code[c].departement in deps for c in a.current_structure_codes)

    apply(
        "departements",
        f"Hors des départements retenus ({', '.join(criteria.departements)})",
        in_departements,
    )
    if criteria.communes:
        communes = frozenset(criteria.communes)
        apply(
            "communes",
            "Adresse hors des communes retenues ou inconnue",
            lambda a: addresses[a.redevable_id].code_insee in communes,
        )

    for product, minimum in criteria.min_per_product_cents:
        if minimum > 0:
            apply(
                "min_per_product_cents",
                f"Reste à recouvrer {products_label([product])} inférieur à {euros(minimum)}",
                lambda a, p=product, m=minimum: a.amount(p) >= m,
            )
    def total(a: AccountSummary) -> int:
        due = a.due_cents
        t = a.hospital_cents if need_hospital else 0
        for p in plain:
            t += due.get(p, 0)
        return t

    if criteria.min_total_cents > 0:
        mt = criteria.min_total_cents
        apply(
            "min_total_cents",
            f"Reste à recouvrer total ({products_label(products)}) inférieur à {euros(mt)}",
            lambda a: total(a) >= mt,
        )
    if criteria.max_total_cents is not None:
        xt = criteria.max_total_cents
        apply(
            "max_total_cents",
            f"Reste à recouvrer total ({products_label(products)}) supérieur à {euros(xt)}",
            lambda a: total(a) <= xt,
        )
    if criteria.min_oldest_debt_days is not None:
        n = criteria.min_oldest_debt_days
        apply(
            "min_oldest_debt_days",
            f"Dette la plus ancienne de moins de {number(n)} jours (ou date inconnue)",
            lambda a: a.oldest_debt_on is not None and (today - a.oldest_debt_on).days >= n,
        )
    if criteria.max_oldest_debt_days is not None:
        x = criteria.max_oldest_debt_days
        apply(
            "max_oldest_debt_days",
            f"Dette la plus ancienne de plus de {number(x)} jours (ou date inconnue)",
            lambda a: a.oldest_debt_on is not None and (today - a.oldest_debt_on).days <= x,
        )
    if criteria.exclude_deceased:
        apply("exclude_deceased", "Redevable décédé", lambda a: not a.deceased)
    if criteria.exclude_surendettement:
        apply("exclude_surendettement", "Procédure de surendettement en cours", lambda a: not a.surendettement)
    if criteria.exclude_procedure_collective:
        apply("exclude_procedure_collective", "Procédure collective en cours", lambda a: not a.procedure_collective)
    if criteria.exclude_contested:
        apply("exclude_contested", "Créance en contestation", lambda a: not a.contested)
    if criteria.exclude_payment_plan_honoured:
        apply("exclude_payment_plan_honoured", "Plan de règlement respecté", lambda a: not a.payment_plan_honoured)
    if criteria.exclude_prescription_within_days is not None:
        w = criteria.exclude_prescription_within_days
        apply(
            "exclude_prescription_within_days",
            f"Prescription acquise ou dans {number(w)} jours au plus",
            lambda a: a.nearest_prescription_on is None or (a.nearest_prescription_on - today).days > w,
        )

    rows.sort(key=lambda a: a.redevable_id)
    kept_addresses = {a.redevable_id: addresses[a.redevable_id] for a in rows}
    return Selection(tuple(rows), kept_addresses, SelectionReport(examined, tuple(steps)), today)
