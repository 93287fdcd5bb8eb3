"""Balance table between panel and control: counts, means, standardised mean differences."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .result import TO_ASSIGN_LABEL, CovariateBalance, LevelBalance, Stratum, StratumCount


def _r(x: float) -> float:
    return round(float(x), 4)


def smd_binary(p1: float, p0: float) -> float | None:
    den = math.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    if den == 0:
        return 0.0 if p1 == p0 else None
    return _r((p1 - p0) / den)


def smd_continuous(x1: np.ndarray, x0: np.ndarray) -> float | None:
    if len(x1) == 0 or len(x0) == 0:
        return None
    m1, m0 = float(x1.mean()), float(x0.mean())
    v1 = float(x1.var(ddof=1)) if len(x1) > 1 else 0.0
    v0 = float(x0.var(ddof=1)) if len(x0) > 1 else 0.0
    den = math.sqrt((v1 + v0) / 2)
    if den == 0:
        return 0.0 if m1 == m0 else None
    return _r((m1 - m0) / den)


def level_balance(variable: str, labels: Sequence[str], codes: np.ndarray, control: np.ndarray) -> list[LevelBalance]:
    """One row per level; ``codes`` indexes ``labels`` (already in display order)."""
    n1 = int((~control).sum())
    n0 = int(control.sum())
    k = len(labels)
    c1 = np.bincount(codes[~control], minlength=k)
    c0 = np.bincount(codes[control], minlength=k)
    rows = []
    for i, label in enumerate(labels):
        p1 = c1[i] / n1 if n1 else 0.0
        p0 = c0[i] / n0 if n0 else 0.0
        rows.append(LevelBalance(variable, label, int(c1[i]), int(c0[i]), _r(p1), _r(p0), smd_binary(p1, p0)))
    return rows


def covariate_balance(
    name: str, label: str, values: np.ndarray, control: np.ndarray, *, cents: bool = False
) -> CovariateBalance:
    """``values`` as float with NaN for unknown."""
    known = ~np.isnan(values)
    x1 = values[known & ~control]
    x0 = values[known & control]

    def mean(x: np.ndarray) -> float | None:
        if len(x) == 0:
            return None
        m = float(x.mean())
        return int(round(m)) if cents else _r(m)

    return CovariateBalance(name, label, len(x1), len(x0), mean(x1), mean(x0), smd_continuous(x1, x0))


def strata_counts(strata: Sequence[Stratum], stratum_codes: np.ndarray, control: np.ndarray) -> list[StratumCount]:
    k = len(strata)
    c1 = np.bincount(stratum_codes[~control], minlength=k)
    c0 = np.bincount(stratum_codes[control], minlength=k)
    return [StratumCount(s, int(c1[i]), int(c0[i])) for i, s in enumerate(strata)]


def structure_label(code: str) -> str:
    return code or TO_ASSIGN_LABEL
