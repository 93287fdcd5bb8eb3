"""Statistics of the evaluation: ratio estimator with a jackknife variance, clustered by debtor.

Every array holds one row per debtor (the sampling unit: a debtor's amounts are summed before they
get here, which is what clusters the variance by debtor). The variance is the delete-one-debtor
jackknife, (n−1)/n · Σ(θ₍ᵢ₎ − θ̄)², not the plain linearisation n/(n−1) · Σeᵢ²/X²: the two agree
for many small debtors, but with a few large dues (the usual case) the linearisation under-covers
(benchmarks/evaluation.py measured 86–93 %) and the jackknife, which weighs each residual by the
share of the total its debtor holds, brings coverage back to 95 %. Pure numpy and the standard library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: Quantiles used for the minimal detectable effect: 5 % two-sided test, 80 % power.
MDE_ALPHA = 0.05
MDE_POWER = 0.80


@dataclass(frozen=True, slots=True)
class Ratio:
    """Σy / Σx with its standard error (None when fewer than 2 debtors)."""

    n: int
    x_total: int
    y_total: int
    rate: float
    std_error: float | None


def z_quantile(confidence: float) -> float:
    """Two-sided normal quantile: 0.95 → 1.959964."""
    if not 0 < confidence < 1:
        raise ValueError("Le niveau de confiance doit être strictement compris entre 0 et 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def mde_factor(alpha: float = MDE_ALPHA, power: float = MDE_POWER) -> float:
    """Multiplier of the standard error giving the minimal detectable effect (2.8016 at 5 %, 80 %)."""
    nd = NormalDist()
    return nd.inv_cdf(1 - alpha / 2) + nd.inv_cdf(power)


def _jackknife_se(replicates: np.ndarray) -> np.ndarray:
    """Standard error from delete-one replicates (debtors on axis 0); nan where a replicate is."""
    n = replicates.shape[0]
    dev = replicates - replicates.mean(axis=0)
    return np.sqrt((n - 1) / n * (dev**2).sum(axis=0))


def _leave_one_out(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Σy/Σx without each debtor in turn; y may be debtors × k (one ratio per column)."""
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    rest = x.sum() - x
    with np.errstate(divide="ignore", invalid="ignore"):
        if y.ndim == 1:
            return (y.sum() - y) / rest
        return (y.sum(axis=0) - y) / rest[:, None]


def ratio(x: np.ndarray, y: np.ndarray) -> Ratio | None:
    """Ratio estimator R = Σy/Σx with its jackknife standard error (cluster = debtor)."""
    n = len(x)
    x_total = int(x.sum()) if n else 0
    if x_total <= 0:
        return None
    y_total = int(y.sum())
    rate = y_total / x_total
    if n < 2:
        return Ratio(n, x_total, y_total, rate, None)
    se = float(_jackknife_se(_leave_one_out(x, y)))
    return Ratio(n, x_total, y_total, rate, None if math.isnan(se) else se)


def cumulative_ratios(x: np.ndarray, monthly: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative rate after each month and its standard error; ``monthly`` is debtors × months."""
    n, months = monthly.shape
    cum = np.cumsum(monthly.astype(np.float64), axis=1)
    rates = cum.sum(axis=0) / float(x.sum())
    if n < 2:
        return rates, np.full(months, np.nan)
    return rates, _jackknife_se(_leave_one_out(x, cum))


def change_of_ratio(
    x: np.ndarray, y: np.ndarray, q: np.ndarray, p: np.ndarray
) -> tuple[float, float | None] | None:
    """Σy/Σx − Σp/Σq over the same debtors, with a standard error that keeps their pairing.

    Jackknife over debtors: removing a debtor removes both its post and pre amounts, which is what
    makes them one cluster rather than two independent samples.
    """
    n = len(x)
    x_total, q_total = float(x.sum()), float(q.sum())
    if x_total <= 0 or q_total <= 0:
        return None
    r_post, r_pre = float(y.sum()) / x_total, float(p.sum()) / q_total
    if n < 2:
        return r_post - r_pre, None
    se = float(_jackknife_se(_leave_one_out(x, y) - _leave_one_out(q, p)))
    return r_post - r_pre, None if math.isnan(se) else se


def _order_rank(n: int, confidence: float) -> int:
    """Largest k with P(B < k) ≤ (1 − confidence)/2, B ~ Binomial(n, ½): [X₍ₖ₎, X₍ₙ₋ₖ₊₁₎] holds the median."""
    tail = (1 - confidence) / 2
    if n > 1000:  # the normal approximation is exact enough there and avoids 2ⁿ
        return max(0, math.floor(n / 2 - z_quantile(confidence) * math.sqrt(n) / 2))
    k, cum, total = 0, 0, 2**n
    while k < n and (cum + math.comb(n, k)) / total <= tail:
        cum += math.comb(n, k)
        k += 1
    return k


def median_with_ci(values: list[float], confidence: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """Median and distribution-free CI [X₍ₖ₎, X₍ₙ₋ₖ₊₁₎] from order statistics (exact binomial ranks).

    ``math.inf`` marks a value not reached during the observation (no payment yet). A bound is None
    when the sample is too small to have one (k = 0) or when it falls on a value not reached: the
    data then only say it is later than the observation period.
    """
    n = len(values)
    if n == 0:
        return None, None, None
    s = sorted(values)
    med = s[(n - 1) // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    k = _order_rank(n, confidence)

    def at(rank: int) -> float | None:
        if k == 0 or math.isinf(s[rank - 1]):
            return None
        return s[rank - 1]

    return (None if math.isinf(med) else med), at(k), at(n - k + 1)
