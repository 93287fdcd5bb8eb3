"""Evaluation: recovery rate per product, panel against control, with a confidence interval.

Rate of a group = Σ recovered / Σ due (ratio estimator, the usual « taux de recouvrement »).
Variance by linearisation over debtors (delta method): V(R) ≈ n/(n-1) · Σ(yᵢ − R·xᵢ)² / (Σxᵢ)²,
debtors independent; difference CI with the normal approximation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from .model import PRODUCT_LABELS, PRODUCTS
from .result import Group


@dataclass(frozen=True, slots=True)
class Outcome:
    """One debtor's product over the evaluation period: due at start, recovered since."""

    redevable_id: int
    product: str  # impots, amendes, secteur_local, hopital
    due_cents: int
    recovered_cents: int


@dataclass(frozen=True, slots=True)
class GroupRate:
    n: int  # debtors with a positive due
    due_cents: int
    recovered_cents: int
    rate: float | None
    std_error: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "due_cents": self.due_cents,
            "recovered_cents": self.recovered_cents,
            "rate": self.rate,
            "std_error": self.std_error,
        }


@dataclass(frozen=True, slots=True)
class RateComparison:
    product: str
    label: str  # French
    panel: GroupRate
    control: GroupRate
    difference: float | None  # rate_panel − rate_control
    ci_low: float | None
    ci_high: float | None
    confidence: float

    @property
    def significant(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None and (self.ci_low > 0 or self.ci_high < 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "label": self.label,
            "panel": self.panel.to_dict(),
            "control": self.control.to_dict(),
            "difference": self.difference,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence": self.confidence,
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def group_rate(due: np.ndarray, rec: np.ndarray) -> GroupRate:
    n = len(due)
    total = int(due.sum()) if n else 0
    got = int(rec.sum()) if n else 0
    if total <= 0:
        return GroupRate(n, total, got, None, None)
    rate = got / total
    if n < 2:
        return GroupRate(n, total, got, rate, None)
    resid = rec.astype(np.float64) - rate * due.astype(np.float64)
    var = n / (n - 1) * float((resid**2).sum()) / float(total) ** 2
    return GroupRate(n, total, got, rate, math.sqrt(var))


def compare_recovery(
    outcomes: Iterable[Outcome], groups: Mapping[int, Group], *, confidence: float = 0.95
) -> tuple[RateComparison, ...]:
    """Per product present in ``outcomes``: panel and control rates, difference and CI.

    Outcomes of debtors absent from ``groups`` are ignored; several outcomes of one debtor and
    product are summed (the debtor is the sampling unit)."""
    if not 0 < confidence < 1:
        raise ValueError("Le niveau de confiance doit être strictement compris entre 0 et 1")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    acc: dict[tuple[str, Group], dict[int, list[int]]] = {}
    for o in outcomes:
        g = groups.get(o.redevable_id)
        if g is None:
            continue
        if o.due_cents < 0 or o.recovered_cents < 0:
            raise ValueError(f"Montants négatifs pour le redevable {o.redevable_id} ({o.product})")
        cell = acc.setdefault((o.product, g), {}).setdefault(o.redevable_id, [0, 0])
        cell[0] += o.due_cents
        cell[1] += o.recovered_cents
    products = sorted({p for p, _ in acc}, key=lambda p: (PRODUCTS.index(p) if p in PRODUCTS else 99, p))
    out = []
    for p in products:
        rates = {}
        for g in (Group.PANEL, Group.CONTROL):
            cells = acc.get((p, g), {})
            arr = np.array([v for v in cells.values() if v[0] > 0], dtype=np.int64).reshape(-1, 2)
            rates[g] = group_rate(arr[:, 0], arr[:, 1])
        r1, r0 = rates[Group.PANEL], rates[Group.CONTROL]
        diff = lo = hi = None
        if r1.rate is not None and r0.rate is not None:
            diff = r1.rate - r0.rate
            if r1.std_error is not None and r0.std_error is not None:
                half = z * math.sqrt(r1.std_error**2 + r0.std_error**2)
                lo, hi = diff - half, diff + half
        out.append(
            RateComparison(
                p,
                f"Taux de recouvrement {PRODUCT_LABELS.get(p, p)}",
                GroupRate(r1.n, r1.due_cents, r1.recovered_cents, _r(r1.rate), _r(r1.std_error)),
                GroupRate(r0.n, r0.due_cents, r0.recovered_cents, _r(r0.rate), _r(r0.std_error)),
                _r(diff),
                _r(lo),
                _r(hi),
                confidence,
            )
        )
    return tuple(out)
