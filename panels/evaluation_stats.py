"""Statistics of the evaluation: ratio estimator, jackknife variance clustered by debtor, Student intervals.

Every array holds one row per debtor (the sampling unit: a debtor's amounts are summed before they
get here, which is what clusters the variance by debtor). Three choices, each measured by
benchmarks/evaluation.py (docs/evaluation.md has the figures):

- variance: the delete-one-debtor jackknife (n−1)/n · Σ(θ₍ᵢ₎ − θ̄)², rather than the plain
  linearisation n/(n−1) · Σeᵢ²/X², which weighs each residual by the share of the total its debtor
  holds. With a few large dues (the usual case) the linearisation alone covered 86–93 %;
- quantile: Student's with Satterthwaite's degrees of freedom 3·(Σuᵢ²)²/Σuᵢ⁴, which fall when a
  few debtors carry the variance (normal quantile there: 91–93 % on 100 debtors per group);
- a group's rate and the curves' bands on the logit scale, so they stay within [0, 1] and follow
  the right skew of small rates (normal scale: 78–91 % for the monthly bands).

Pure numpy and the standard library.
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
    fourth: float = 0.0  # Σuᵢ⁴ of the jackknife terms (variance = Σuᵢ²), for the effective df


def z_quantile(confidence: float) -> float:
    """Two-sided normal quantile: 0.95 → 1.959964."""
    if not 0 < confidence < 1:
        raise ValueError("Le niveau de confiance doit être strictement compris entre 0 et 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def mde_factor(alpha: float = MDE_ALPHA, power: float = MDE_POWER) -> float:
    """Multiplier of the standard error giving the minimal detectable effect (2.8016 at 5 %, 80 %)."""
    nd = NormalDist()
    return nd.inv_cdf(1 - alpha / 2) + nd.inv_cdf(power)


def t_quantile(confidence: float, df: float) -> float:
    """Two-sided Student quantile, Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5); df ≥ 2.

    Within 1 % of the exact value at df = 2, within 0.1 % from df = 4; the normal one when df is infinite.
    """
    z = z_quantile(confidence)
    if math.isinf(df):
        return z
    v = max(df, 2.0)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4


def effective_df(variance: float, fourth: float) -> float:
    """Satterthwaite degrees of freedom of a variance Σuᵢ² made of one term per debtor: 3·(Σuᵢ²)² / Σuᵢ⁴.

    Each uᵢ² estimates its debtor's share of the variance with one degree of freedom; were the terms
    normal, E[uᵢ⁴] = 3σᵢ⁴, hence the 3. About n when debtors weigh alike, near 1 when one debtor carries
    the variance: then the normal quantile is too short and the Student one widens the interval.
    """
    return math.inf if fourth <= 0 else 3 * variance**2 / fourth


def _jackknife(replicates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standard error and Σuᵢ⁴ from delete-one replicates (debtors on axis 0), uᵢ² = (n−1)/n·devᵢ²."""
    n = replicates.shape[0]
    u2 = (n - 1) / n * (replicates - replicates.mean(axis=0)) ** 2
    return np.sqrt(u2.sum(axis=0)), (u2**2).sum(axis=0)


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
    se, fourth = (float(v) for v in _jackknife(_leave_one_out(x, y)))
    return Ratio(n, x_total, y_total, rate, None if math.isnan(se) else se, fourth)


def cumulative_ratios(x: np.ndarray, monthly: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative rate after each month, its standard error and Σuᵢ⁴; ``monthly`` is debtors × months."""
    n, months = monthly.shape
    cum = np.cumsum(monthly.astype(np.float64), axis=1)
    rates = cum.sum(axis=0) / float(x.sum())
    if n < 2:
        return rates, np.full(months, np.nan), np.zeros(months)
    se, fourth = _jackknife(_leave_one_out(x, cum))
    return rates, se, fourth


def change_of_ratio(
    x: np.ndarray, y: np.ndarray, q: np.ndarray, p: np.ndarray
) -> tuple[float, float | None, float] | None:
    """Σy/Σx − Σp/Σq over the same debtors, with a standard error that keeps their pairing, and Σuᵢ⁴.

    Jackknife over debtors: removing a debtor removes both its post and pre amounts, which is what
    makes them one cluster rather than two independent samples.
    """
    n = len(x)
    x_total, q_total = float(x.sum()), float(q.sum())
    if x_total <= 0 or q_total <= 0:
        return None
    r_post, r_pre = float(y.sum()) / x_total, float(p.sum()) / q_total
    if n < 2:
        return r_post - r_pre, None, 0.0
    se, fourth = (float(v) for v in _jackknife(_leave_one_out(x, y) - _leave_one_out(q, p)))
    return r_post - r_pre, None if math.isnan(se) else se, fourth


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


def rate_interval(rate: float, se: float, q: float) -> tuple[float, float]:
    """Interval of a rate on the logit scale when 0 < rate < 1, so that it stays inside [0, 1] and
    follows the right skew of a small rate; plain rate ± q·se otherwise (a rate of 0, or above 1)."""
    if 0 < rate < 1:
        centre, half = math.log(rate / (1 - rate)), q * se / (rate * (1 - rate))
        return 1 / (1 + math.exp(-(centre - half))), 1 / (1 + math.exp(-(centre + half)))
    return rate - q * se, rate + q * se
