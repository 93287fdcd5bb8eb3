"""Output values of the evaluation, each with the ``to_dict()`` the CLI prints as JSON.

Rates and differences are fractions (0.08 = 8 points); amounts are integer cents. A group too small
to show (fewer than :data:`MIN_GROUP` debtors) carries only its reason: no figure of it leaves here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: No group under this many debtors is shown (aggregates only, no identifiable debtor).
MIN_GROUP = 5

TOO_SMALL = "effectif trop faible"


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


@dataclass(frozen=True, slots=True)
class GroupEstimate:
    """Recovery rate of one group: Σ recovered / Σ due at publication, with its CI."""

    n: int | None
    baseline_cents: int | None
    recovered_cents: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    std_error: float | None = None
    reason: str | None = None  # why figures are missing (French)

    @property
    def shown(self) -> bool:
        return self.rate is not None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "n": self.n,
            "baseline_cents": self.baseline_cents,
            "recovered_cents": self.recovered_cents,
            "rate": _r(self.rate),
            "ci_low": _r(self.ci_low),
            "ci_high": _r(self.ci_high),
            "std_error": _r(self.std_error),
        }
        if self.reason:
            d["reason"] = self.reason
        return d


@dataclass(frozen=True, slots=True)
class Contrast:
    """A difference of rates (treated − control, or the difference-in-differences) with its CI."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    std_error: float | None = None
    reason: str | None = None

    @property
    def significant(self) -> bool:
        """The CI excludes zero."""
        return self.ci_low is not None and self.ci_high is not None and (self.ci_low > 0 or self.ci_high < 0)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "estimate": _r(self.estimate),
            "ci_low": _r(self.ci_low),
            "ci_high": _r(self.ci_high),
            "std_error": _r(self.std_error),
        }
        if self.reason:
            d["reason"] = self.reason
        return d


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """Cumulative rate of both groups ``month`` months after publication, with pointwise 95 % bands."""

    month: int
    treated_rate: float | None
    treated_low: float | None
    treated_high: float | None
    control_rate: float | None
    control_low: float | None
    control_high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "treated_rate": _r(self.treated_rate),
            "treated_low": _r(self.treated_low),
            "treated_high": _r(self.treated_high),
            "control_rate": _r(self.control_rate),
            "control_low": _r(self.control_low),
            "control_high": _r(self.control_high),
        }


@dataclass(frozen=True, slots=True)
class ProductEvaluation:
    """Everything said about one product (or ``ensemble``, all products shown pooled per debtor)."""

    product: str
    label: str
    months_observed: int
    treated: GroupEstimate
    control: GroupEstimate
    difference: Contrast
    did: Contrast | None
    did_reason: str | None
    mde: float | None  # minimal detectable effect at this size, 80 % power, 5 % two-sided
    months: tuple[MonthPoint, ...]
    phrases: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "label": self.label,
            "months_observed": self.months_observed,
            "treated": self.treated.to_dict(),
            "control": self.control.to_dict(),
            "difference": self.difference.to_dict(),
            "did": None if self.did is None else self.did.to_dict(),
            "did_reason": self.did_reason,
            "mde": _r(self.mde),
            "months": [m.to_dict() for m in self.months],
            "phrases": list(self.phrases),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Per product in the panels' order, then all shown products pooled (clustered by debtor)."""

    products: tuple[ProductEvaluation, ...]
    pooled: ProductEvaluation | None
    confidence: float

    def product(self, name: str) -> ProductEvaluation:
        for p in self.products:
            if p.product == name:
                return p
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "products": [p.to_dict() for p in self.products],
            "pooled": None if self.pooled is None else self.pooled.to_dict(),
        }
