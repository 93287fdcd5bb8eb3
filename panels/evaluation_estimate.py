"""Evaluation of a panel: per product, treated against control, over the months since publication.

Input: one :class:`MemberOutcome` per member and product (plain values the application reads from
its database). Output: an :class:`~panels.evaluation_result.Evaluation`. The debtor is the sampling
unit: several rows of one debtor and product are summed, and the pooled figure sums a debtor's
products before computing the variance (cluster by debtor).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .errors import InputError
from .evaluation_result import MIN_GROUP, TOO_SMALL, Contrast, Evaluation, GroupEstimate, MonthPoint, ProductEvaluation
from .evaluation_stats import (
    change_of_ratio,
    cumulative_ratios,
    effective_df,
    mde_factor,
    rate_interval,
    ratio,
    t_quantile,
    z_quantile,
)
from .evaluation_text import PRODUCT_WORDS, describe
from .model import PRODUCTS
from .result import Group

POOLED = "ensemble"

NO_PRE_PERIOD = "aucune donnée sur les 12 mois précédant la publication"


@dataclass(frozen=True, slots=True)
class MemberOutcome:
    """One member's product: due at publication, then recovered month by month since publication.

    ``recovered_cents_by_month[k]`` is what was recovered during month k+1 after publication (payments
    imputed only: remises, cancellations and ANV are not recoveries). The pre-period is the 12 months
    before publication: due at their start and recovered during them, None when the data lack it.
    """

    redevable_id: int
    group: Group
    product: str
    baseline_cents: int
    recovered_cents_by_month: tuple[int, ...]
    pre_due_cents: int | None = None
    pre_recovered_cents: int | None = None


@dataclass(slots=True)
class _Rows:
    """Per debtor of one group: due, monthly recovered, pre-period due and recovered (if known)."""

    months: int
    baseline: dict[int, int] = field(default_factory=dict)
    monthly: dict[int, np.ndarray] = field(default_factory=dict)
    pre: dict[int, list[int]] = field(default_factory=dict)  # rows with a known pre-period: q, p, x, y

    def add(self, o: MemberOutcome) -> None:
        rid = o.redevable_id
        self.baseline[rid] = self.baseline.get(rid, 0) + o.baseline_cents
        row = np.asarray(o.recovered_cents_by_month, dtype=np.int64)
        self.monthly[rid] = self.monthly[rid] + row if rid in self.monthly else row
        if o.pre_due_cents is not None:
            cell = self.pre.setdefault(rid, [0, 0, 0, 0])
            cell[0] += o.pre_due_cents
            cell[1] += o.pre_recovered_cents or 0
            cell[2] += o.baseline_cents
            cell[3] += int(row.sum())

    def merge(self, other: _Rows) -> None:
        for rid, due in other.baseline.items():
            self.baseline[rid] = self.baseline.get(rid, 0) + due
            self.monthly[rid] = self.monthly[rid] + other.monthly[rid] if rid in self.monthly else other.monthly[rid]
        for rid, values in other.pre.items():
            cell = self.pre.setdefault(rid, [0, 0, 0, 0])
            for k, v in enumerate(values):
                cell[k] += v

    def arrays(self) -> tuple[list[int], np.ndarray, np.ndarray]:
        """Debtors with a positive due at publication: ids, dues, debtors × months recovered."""
        ids = [rid for rid, due in self.baseline.items() if due > 0]
        x = np.array([self.baseline[r] for r in ids], dtype=np.int64)
        y = np.array([self.monthly[r] for r in ids], dtype=np.int64).reshape(len(ids), self.months)
        return ids, x, y


def _validate(outcomes: list[MemberOutcome]) -> int:
    """All problems at once (French), or the common number of months observed."""
    problems: list[str] = []
    lengths = {len(o.recovered_cents_by_month) for o in outcomes}
    for o in outcomes:
        who = f"redevable {o.redevable_id} ({o.product})"
        if o.product not in PRODUCTS:
            problems.append(f"{who} : produit inconnu, attendu l'un de {', '.join(PRODUCTS)}")
        if not isinstance(o.group, Group):
            problems.append(f"{who} : groupe inconnu « {o.group} » (traité ou témoin attendu)")
        if o.baseline_cents < 0 or any(c < 0 for c in o.recovered_cents_by_month):
            problems.append(f"{who} : montant négatif")
        if (o.pre_due_cents is None) != (o.pre_recovered_cents is None):
            problems.append(f"{who} : période antérieure incomplète (dû et recouvré vont ensemble)")
        elif o.pre_due_cents is not None and (o.pre_due_cents < 0 or (o.pre_recovered_cents or 0) < 0):
            problems.append(f"{who} : montant négatif sur la période antérieure")
    if len(lengths) > 1:
        problems.append(f"durées d'observation différentes selon les lignes : {sorted(lengths)} mois")
    groups: dict[int, Group] = {}
    for o in outcomes:
        if groups.setdefault(o.redevable_id, o.group) != o.group:
            problems.append(f"redevable {o.redevable_id} : à la fois traité et témoin")
    if problems:
        raise InputError("Données d'évaluation invalides :\n" + "\n".join(f"- {p}" for p in dict.fromkeys(problems)))
    return lengths.pop() if lengths else 0


@dataclass(frozen=True, slots=True)
class _Spread:
    """Variance Σuᵢ² and Σuᵢ⁴ of a jackknifed estimate: independent ones add up term by term."""

    variance: float
    fourth: float

    def __add__(self, other: _Spread) -> _Spread:
        return _Spread(self.variance + other.variance, self.fourth + other.fourth)

    def interval(self, estimate: float, confidence: float) -> tuple[float, float]:
        half = t_quantile(confidence, effective_df(self.variance, self.fourth)) * math.sqrt(self.variance)
        return estimate - half, estimate + half


@dataclass(frozen=True, slots=True)
class _Curve:
    rates: np.ndarray
    lows: np.ndarray
    highs: np.ndarray


def _group(rows: _Rows, confidence: float) -> tuple[GroupEstimate, _Curve | None, _Spread | None]:
    """Group estimate with its interval, its cumulative curve with bands, and its spread."""
    _, x, y = rows.arrays()
    if len(x) < MIN_GROUP:
        return GroupEstimate(None, None, None, None, None, None, reason=TOO_SMALL), None, None
    r = ratio(x, y.sum(axis=1))
    assert r is not None  # positive dues only
    se = r.std_error or 0.0
    spread = _Spread(se**2, r.fourth)
    lo, hi = rate_interval(r.rate, se, t_quantile(confidence, effective_df(se**2, r.fourth)))
    est = GroupEstimate(r.n, r.x_total, r.y_total, r.rate, lo, hi, se)
    rates, ses, fourths = cumulative_ratios(x, y)
    bands = [
        rate_interval(float(rk), float(sk), t_quantile(confidence, effective_df(float(sk) ** 2, float(fk))))
        for rk, sk, fk in zip(rates, ses, fourths, strict=True)
    ]
    curve = _Curve(rates, np.array([b[0] for b in bands]), np.array([b[1] for b in bands]))
    return est, curve, spread


def _did(rows: _Rows) -> tuple[float, _Spread] | str:
    """Post − pre change of one group over its rows with pre-period data, or why not."""
    cells = np.array([v for v in rows.pre.values() if v[2] > 0], dtype=np.float64).reshape(-1, 4)
    if not len(cells):
        return NO_PRE_PERIOD
    if len(cells) < MIN_GROUP:
        return TOO_SMALL
    q, p, x, y = cells.T
    out = change_of_ratio(x, y, q, p)
    if out is None:
        return "rien n'était dû au début des 12 mois précédant la publication"
    return out[0], _Spread((out[1] or 0.0) ** 2, out[2])


def _contrast(estimate: float, spread: _Spread, confidence: float) -> Contrast:
    lo, hi = spread.interval(estimate, confidence)
    return Contrast(estimate, lo, hi, math.sqrt(spread.variance))


def _product(name: str, treated: _Rows, control: _Rows, confidence: float) -> ProductEvaluation:
    t, t_curve, t_spread = _group(treated, confidence)
    c, c_curve, c_spread = _group(control, confidence)
    months: tuple[MonthPoint, ...] = ()
    mde = None
    if t_spread is None or c_spread is None:
        diff = Contrast(None, None, None, reason=TOO_SMALL)
    else:
        assert t.rate is not None and c.rate is not None
        diff = _contrast(t.rate - c.rate, t_spread + c_spread, confidence)
        mde = mde_factor() * math.sqrt((t_spread + c_spread).variance)
    if t_curve is not None and c_curve is not None:
        months = tuple(
            MonthPoint(
                k + 1,
                float(t_curve.rates[k]), float(t_curve.lows[k]), float(t_curve.highs[k]),
                float(c_curve.rates[k]), float(c_curve.lows[k]), float(c_curve.highs[k]),
            )
            for k in range(treated.months)
        )
    did: Contrast | None = None
    did_reason: str | None = None
    if diff.estimate is None:
        did_reason = TOO_SMALL
    else:
        dt, dc = _did(treated), _did(control)
        if isinstance(dt, str) or isinstance(dc, str):
            did_reason = dt if isinstance(dt, str) else str(dc)
        else:
            did = _contrast(dt[0] - dc[0], dt[1] + dc[1], confidence)
    label = PRODUCT_WORDS.get(name, name)
    phrases = describe(label, treated.months, t, c, diff, did, did_reason, mde, confidence)
    return ProductEvaluation(name, label, treated.months, t, c, diff, did, did_reason, mde, months, phrases)


def evaluate(outcomes: Iterable[MemberOutcome], *, confidence: float = 0.95) -> Evaluation:
    """Rates, difference, difference-in-differences and monthly curves per product and pooled.

    Raises :class:`~panels.errors.InputError` (French, every problem listed) on inconsistent input.
    Rows with a due of zero at publication do not count (a rate needs something due). The pooled
    entry sums only the products shown, so a hidden small group cannot be recovered by subtraction.
    """
    z_quantile(confidence)  # refuses a confidence outside ]0, 1[ before any work
    rows_in = list(outcomes)
    months = _validate(rows_in)
    cells: dict[tuple[str, Group], _Rows] = {}
    for o in rows_in:
        cells.setdefault((o.product, o.group), _Rows(months)).add(o)
    present = [p for p in PRODUCTS if any(prod == p for prod, _ in cells)]
    results = []
    pooled_t, pooled_c = _Rows(months), _Rows(months)
    for p in present:
        t_rows, c_rows = cells.get((p, Group.PANEL), _Rows(months)), cells.get((p, Group.CONTROL), _Rows(months))
        res = _product(p, t_rows, c_rows, confidence)
        results.append(res)
        if res.treated.shown and res.control.shown:
            pooled_t.merge(t_rows)
            pooled_c.merge(c_rows)
    pooled = _product(POOLED, pooled_t, pooled_c, confidence) if pooled_t.baseline else None
    return Evaluation(tuple(results), pooled, confidence)
