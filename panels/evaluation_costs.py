"""Cost side of the evaluation: acts issued per group, acts per euro recovered, time to first payment."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from .errors import InputError
from .evaluation_estimate import MemberOutcome
from .evaluation_result import MIN_GROUP, TOO_SMALL
from .evaluation_stats import median_with_ci
from .evaluation_text import percent
from .result import Group
from .text import euros, number


@dataclass(frozen=True, slots=True)
class MemberActivity:
    """One member over the observation period: acts issued to it (all offices), first payment day.

    ``first_payment_day`` counts days from publication to the first payment imputed, None if none
    was received during the period (a censored value: the payment, if any, comes later).
    """

    redevable_id: int
    group: Group
    acts: int
    first_payment_day: int | None


@dataclass(frozen=True, slots=True)
class GroupCost:
    n: int | None
    acts: int | None
    acts_per_debtor: float | None
    recovered_cents: int | None
    acts_per_euro: float | None  # acts issued per euro recovered (lower is cheaper)
    paid_share: float | None  # share of debtors who paid something during the period
    median_days_to_first_payment: float | None  # None: not reached (half the group paid nothing)
    median_ci_low: float | None
    median_ci_high: float | None  # None: beyond the observation period
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "reason"}
        if self.reason:
            d["reason"] = self.reason
        return d


@dataclass(frozen=True, slots=True)
class CostComparison:
    treated: GroupCost
    control: GroupCost
    phrases: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"treated": self.treated.to_dict(), "control": self.control.to_dict(), "phrases": list(self.phrases)}


def _group_cost(members: list[MemberActivity], recovered: int, confidence: float) -> GroupCost:
    n = len(members)
    if n < MIN_GROUP:
        return GroupCost(None, None, None, None, None, None, None, None, None, reason=TOO_SMALL)
    acts = sum(m.acts for m in members)
    days = [math.inf if m.first_payment_day is None else float(m.first_payment_day) for m in members]
    med, lo, hi = median_with_ci(days, confidence)
    return GroupCost(
        n,
        acts,
        acts / n,
        recovered,
        acts / (recovered / 100) if recovered else None,
        sum(m.first_payment_day is not None for m in members) / n,
        med,
        lo,
        hi,
    )


def _days(x: float | None) -> str:
    return "non atteinte" if x is None else f"{x:g} jours".replace(".", ",")


def _sentence(name: str, g: GroupCost) -> str:
    if g.n is None:
        return f"{name} : effectif trop faible (moins de {MIN_GROUP} redevables), aucun chiffre n'est affiché."
    assert g.acts is not None and g.acts_per_debtor is not None and g.paid_share is not None
    per_euro = (
        "rien n'a été recouvré"
        if g.acts_per_euro is None
        else f"{g.acts_per_euro * 1000:.1f} actes pour 1 000 € recouvrés ({euros(g.recovered_cents or 0)})".replace(
            ".", ",", 1
        )
    )
    median = (
        "plus de la moitié n'a rien payé sur la période"
        if g.median_days_to_first_payment is None
        else f"délai médian avant le premier paiement {_days(g.median_days_to_first_payment)} "
        f"(intervalle de confiance à 95 % : {_days(g.median_ci_low)} à {_days(g.median_ci_high)})"
    )
    return (
        f"{name} : {number(g.acts)} actes pour {number(g.n)} redevables "
        f"({g.acts_per_debtor:.1f} par redevable), {per_euro} ; ".replace(".", ",", 1)
        + f"{percent(g.paid_share)} ont payé quelque chose ; {median}."
    )


def compare_costs(
    activities: Iterable[MemberActivity], outcomes: Iterable[MemberOutcome], *, confidence: float = 0.95
) -> CostComparison:
    """Acts and payment delays per group; recovered amounts are the outcomes' (all products, all months)."""
    acts = list(activities)
    problems = []
    seen: set[int] = set()
    for a in acts:
        if a.redevable_id in seen:
            problems.append(f"redevable {a.redevable_id} : présent deux fois")
        seen.add(a.redevable_id)
        if a.acts < 0:
            problems.append(f"redevable {a.redevable_id} : nombre d'actes négatif")
        if a.first_payment_day is not None and a.first_payment_day < 0:
            problems.append(f"redevable {a.redevable_id} : premier paiement avant la publication")
    if problems:
        raise InputError("Données de coût invalides :\n" + "\n".join(f"- {p}" for p in problems))
    recovered = {Group.PANEL: 0, Group.CONTROL: 0}
    for o in outcomes:
        if o.redevable_id in seen:
            recovered[o.group] += sum(o.recovered_cents_by_month)
    t = _group_cost([a for a in acts if a.group is Group.PANEL], recovered[Group.PANEL], confidence)
    c = _group_cost([a for a in acts if a.group is Group.CONTROL], recovered[Group.CONTROL], confidence)
    return CostComparison(t, c, (_sentence("Groupe traité", t), _sentence("Groupe témoin", c)))
