"""Estimating the model from the data itself, without labels.

* **u** (how often non-matching records agree at each level) from random pairs of records,
  which are almost all non-matches;
* **m** (how often matching records agree) by expectation–maximisation, with u fixed, in
  sessions (as in Splink): a session takes the pairs of one blocking rule (e.g. same birth date)
  and estimates the m of the *other* comparisons, whose non-matching pairs are then unrelated to
  the blocking; each comparison's m is the mean over the sessions that estimated it;
* **λ** (probability that two random records match) from the birth-date session: matches among
  its pairs, divided by the share of all matches that agree on the birth date.

EM runs on the distinct comparison patterns with their counts, so a session of a million pairs
costs a few milliseconds per iteration.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from .blocking import rule_pairs
from .comparisons import Comparison, PairBatch
from .model import MatchModel, compare_all
from .settings import MatchSettings
from .table import RecordTable

log = logging.getLogger(__name__)


def default_m(comp: Comparison) -> np.ndarray:
    """Starting m: most mass on the best level, decreasing, little on the worst."""
    k = len(comp.levels) - 1
    m = np.array([0.0] + [0.5 ** (i + 1) for i in range(k)])
    m[-1] = 0.02
    return m / m[1:].sum() * np.r_[0, np.ones(k)]


def _random_pairs(n: int, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    total = n * (n - 1) // 2
    if total <= count:
        i, j = np.triu_indices(n, k=1)
        return i.astype(np.int64), j.astype(np.int64)
    i = rng.integers(0, n, size=count)
    j = rng.integers(0, n - 1, size=count)
    j = j + (j >= i)
    return i, j


def estimate_u(
    table: RecordTable, settings: MatchSettings, rng: np.random.Generator
) -> tuple[dict[str, np.ndarray], int]:
    """u of each level from random pairs (Laplace-smoothed; level 0 unused)."""
    # enough pairs for rare agreements (same birth date: ~1e-4), fewer on small inputs
    count = min(settings.u_sample_pairs, max(200_000, 20 * len(table)))
    i, j = _random_pairs(len(table), count, rng)
    results = compare_all(settings.comparisons, PairBatch(table, table, i, j, settings.workers))
    u: dict[str, np.ndarray] = {}
    for c in settings.comparisons:
        counts = np.bincount(results[c.name].levels, minlength=len(c.levels)).astype(np.float64)
        counts[0] = 0.0
        k = len(c.levels) - 1
        probs = (counts + 1.0) / (counts.sum() + k)
        probs[0] = 1.0
        u[c.name] = probs
    return u, len(i)


def run_em(
    levels: np.ndarray,
    counts: np.ndarray,
    m0: list[np.ndarray],
    u: list[np.ndarray],
    prior0: float,
    max_iterations: int,
    tolerance: float,
) -> tuple[list[np.ndarray], float, int, bool]:
    """EM over distinct patterns ``levels`` (k, p) with ``counts`` (p,), u fixed.

    Returns (m per comparison, λ of the session, iterations, converged)."""
    k, p = levels.shape
    m = [x.copy() for x in m0]
    lam = prior0
    log_u = np.zeros(p)
    for c in range(k):
        uc = u[c].copy()
        uc[0] = 1.0
        log_u += np.log(uc[levels[c]])
    converged = False
    it = 0
    for it in range(1, max_iterations + 1):  # noqa: B007 - the count of iterations is returned
        log_m = np.zeros(p)
        for c in range(k):
            mc = np.maximum(m[c], 1e-9)
            mc[0] = 1.0
            log_m += np.log(mc[levels[c]])
        a = np.log(lam) + log_m
        b = np.log1p(-lam) + log_u
        post = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        wpost = post * counts
        new_m = []
        for c in range(k):
            nl = len(m[c])
            s = np.bincount(levels[c], weights=wpost, minlength=nl)
            s[0] = 0.0
            total = s.sum()
            new_m.append(s / total if total > 0 else m[c])
        new_lam = float(np.clip(wpost.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        delta = max(float(np.abs(nm - om).max()) for nm, om in zip(new_m, m, strict=True))
        delta = max(delta, abs(new_lam - lam))
        m, lam = new_m, new_lam
        if delta < tolerance:
            converged = True
            break
    return m, lam, it, converged


def _patterns(level_rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    stacked = np.stack(level_rows).astype(np.int64)
    code = np.zeros(stacked.shape[1], np.int64)
    for row in stacked:
        code = code * 16 + row
    uniq, idx, counts = np.unique(code, return_index=True, return_counts=True)
    return stacked[:, idx], counts.astype(np.float64)


def train(table: RecordTable, settings: MatchSettings) -> MatchModel:
    """Estimate u, m and λ from ``table`` (no labels)."""
    rng = np.random.default_rng(settings.seed)
    comps = settings.comparisons
    u, n_random = estimate_u(table, settings, rng)
    _tie_levels(comps, u)
    m_sum = {c.name: np.zeros(len(c.levels)) for c in comps}
    m_n = {c.name: 0 for c in comps}
    sessions: list[dict[str, Any]] = []
    n = len(table)
    total_pairs = n * (n - 1) / 2
    prior_estimates: list[float] = []
    for rule in settings.training_rules:
        codes, _, _ = rule_pairs(table, rule)
        n_rule = codes.size
        if n_rule == 0:
            sessions.append({"rule": rule.name, "pairs": 0})
            continue
        if n_rule > settings.em_max_pairs:
            codes = rng.choice(codes, settings.em_max_pairs, replace=False)
        li, ri = codes >> 32, codes & 0xFFFFFFFF
        blocked = rule.columns()
        active = [c for c in comps if not set(c.columns) & blocked]
        if not active:
            continue
        results = compare_all(active, PairBatch(table, table, li, ri, settings.workers))
        levels, counts = _patterns([results[c.name].levels for c in active])
        m0 = [default_m(c) for c in active]
        m, lam, iters, ok = run_em(
            levels, counts, m0, [u[c.name] for c in active], 0.3, settings.em_max_iterations,
            settings.em_tolerance,
        )
        for c, mc in zip(active, m, strict=True):
            observed = np.bincount(results[c.name].levels, minlength=len(c.levels))[1:].sum()
            if observed > 0:
                m_sum[c.name] += mc
                m_n[c.name] += 1
        sessions.append({
            "rule": rule.name, "pairs": int(n_rule), "sampled": int(len(li)), "iterations": iters,
            "converged": ok, "lambda": lam, "estimated": [c.name for c in active],
        })
        if "birth_date" in rule.parts and len(rule.parts) == 1:
            prior_estimates.append(_prior_from_date_session(table, lam * n_rule, total_pairs))
    m: dict[str, Any] = {}
    for c in comps:
        if m_n[c.name]:
            mc = m_sum[c.name] / m_n[c.name]
        else:
            mc = default_m(c)
        mc = np.maximum(mc, 1e-6)
        mc[0] = 1.0
        mc[1:] /= mc[1:].sum()
        m[c.name] = mc
    _tie_levels(comps, m)
    m = {k: v.tolist() for k, v in m.items()}
    date_m = m.get("birth_date")
    if prior_estimates and date_m:
        prior = prior_estimates[0] / max(date_m[1], 0.05)
    else:
        prior = 1.0 / max(n, 2)  # about one match per record
    prior = float(np.clip(prior, 1.0 / max(total_pairs, 1.0), 0.5))
    log.info("modèle entraîné : λ = %.3g, sessions = %s", prior, sessions)
    return MatchModel(
        settings=settings,
        prior=prior,
        m=m,
        u={k: v.tolist() for k, v in u.items()},
        training={"records": n, "random_pairs": n_random, "sessions": sessions},
    )


def _tie_levels(comps: list[Comparison], probs: dict[str, np.ndarray]) -> None:
    """Levels declared ``same_as`` another take its probability (in place)."""
    for c in comps:
        names = c.level_names()
        for i, level in enumerate(c.levels):
            if level.same_as:
                probs[c.name][i] = probs[c.name][names.index(level.same_as)]


def _prior_from_date_session(table: RecordTable, matches_found: float, total_pairs: float) -> float:
    """λ before dividing by m(birth date exact): matches among same-date pairs, over all pairs,
    over the chance that both records of a matching pair carry a birth date."""
    with_date = float((table.birth_date > 0).mean())
    if with_date <= 0:
        return 1.0 / max(total_pairs, 1.0)
    return matches_found / (with_date**2) / max(total_pairs, 1.0)
