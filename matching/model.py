"""The Fellegi–Sunter model: m and u probabilities per comparison level, a prior, and scoring.

For a pair with comparison levels γ, the match weight is

    W = log2(λ / (1 − λ)) + Σ_fields log2(m_field[γ] / u_field[γ])

(the prior plus one Bayes factor per field, in bits); the match probability is 2^W / (1 + 2^W).
A missing value weighs 0; a level flagged ``tf`` uses the frequency f of the agreeing value
instead of u (``log2(m / f)``), so agreeing on a rare surname counts more than on MARTIN; a level
flagged ``veto`` weighs :data:`~matching.comparisons.VETO_WEIGHT`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .comparisons import VETO_WEIGHT, Comparison, LevelResult, PairBatch
from .settings import MatchSettings

MODEL_FORMAT = "matching.fellegi-sunter/1"


def compare_all(
    comparisons: list[Comparison], batch: PairBatch, only: set[str] | None = None
) -> dict[str, LevelResult]:
    """Levels of every comparison (or of those named in ``only``) for a batch of pairs."""
    return {c.name: c.compare(batch) for c in comparisons if only is None or c.name in only}


@dataclass
class Scores:
    """Per-pair scores: ``weights[k]`` is the weight of comparison k (tf included), ``tf[k]`` its
    term-frequency part; ``match_weight`` includes the prior."""

    names: list[str]
    levels: np.ndarray  # (k, n) int8
    weights: np.ndarray  # (k, n) float32
    tf: np.ndarray  # (k, n) float32
    match_weight: np.ndarray  # (n,) float64
    veto: np.ndarray  # (n,) bool
    evidence: np.ndarray | None = None  # (n,) bool: meets the settings' evidence rule

    @property
    def probability(self) -> np.ndarray:
        return probability(self.match_weight)

    def take(self, idx: np.ndarray) -> Scores:
        return Scores(
            self.names, self.levels[:, idx], self.weights[:, idx], self.tf[:, idx],
            self.match_weight[idx], self.veto[idx], None if self.evidence is None else self.evidence[idx],
        )

    @staticmethod
    def concat(parts: list[Scores], names: list[str]) -> Scores:
        if not parts:
            k = len(names)
            return Scores(
                names, np.zeros((k, 0), np.int8), np.zeros((k, 0), np.float32), np.zeros((k, 0), np.float32),
                np.zeros(0), np.zeros(0, bool), np.zeros(0, bool),
            )
        return Scores(
            names,
            np.concatenate([p.levels for p in parts], axis=1),
            np.concatenate([p.weights for p in parts], axis=1),
            np.concatenate([p.tf for p in parts], axis=1),
            np.concatenate([p.match_weight for p in parts]),
            np.concatenate([p.veto for p in parts]),
            np.concatenate([p.evidence if p.evidence is not None else np.ones(len(p.veto), bool) for p in parts]),
        )

    @property
    def linkable(self) -> np.ndarray:
        """No veto and the evidence rule met."""
        return ~self.veto & (self.evidence if self.evidence is not None else True)


def probability(match_weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(match_weight, -200, 200)))


def prior_weight(prior: float) -> float:
    return float(np.log2(prior / (1.0 - prior)))


@dataclass
class MatchModel:
    """A trained model: settings, prior λ (probability that two random records match), and the m
    and u probabilities of each level (index 0, the missing-value level, is unused)."""

    settings: MatchSettings
    prior: float
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    training: dict[str, Any] = field(default_factory=dict)

    # --- weights -------------------------------------------------------------------------------
    def level_weights(self, name: str) -> np.ndarray:
        """log2(m/u) of each level of a comparison; 0 for the missing level; veto levels fixed."""
        comp = self.settings.comparison(name)
        m = np.asarray(self.m[name], dtype=np.float64)
        u = np.asarray(self.u[name], dtype=np.float64)
        w = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
        w[0] = 0.0
        w[comp.veto_levels()] = VETO_WEIGHT
        return w

    def score(self, results: dict[str, LevelResult]) -> Scores:
        names = [c.name for c in self.settings.comparisons if c.name in results]
        n = len(next(iter(results.values())).levels) if results else 0
        k = len(names)
        levels = np.zeros((k, n), np.int8)
        weights = np.zeros((k, n), np.float32)
        tf = np.zeros((k, n), np.float32)
        veto = np.zeros(n, bool)
        for row, name in enumerate(names):
            comp = self.settings.comparison(name)
            res = results[name]
            lv = res.levels
            levels[row] = lv
            w = self.level_weights(name)[lv]
            if self.settings.tf_adjustment and res.tf_freq is not None:
                tf_levels = np.array([lvl.tf for lvl in comp.levels], bool)[lv]
                freq = res.tf_freq
                ok = tf_levels & np.isfinite(freq)
                if ok.any():
                    u = np.asarray(self.u[name], dtype=np.float64)[lv[ok]]
                    adj = np.log2(u / np.maximum(freq[ok], self.settings.tf_min_frequency))
                    tf[row, ok] = adj
                    w = w.copy()
                    w[ok] += adj
            weights[row] = w
            veto |= comp.veto_levels()[lv]
        total = prior_weight(self.prior) + weights.sum(axis=0, dtype=np.float64)
        rule = self.settings.evidence
        if rule:
            evidence = np.zeros(n, bool)
            for row, name in enumerate(names):
                if name in rule:
                    level_names = self.settings.comparison(name).level_names()
                    ok = [level_names.index(x) for x in rule[name] if x in level_names]
                    evidence |= np.isin(levels[row], ok)
        else:
            evidence = np.ones(n, bool)
        return Scores(names, levels, weights, tf, total, veto, evidence)

    def reviewable(self, scores: Scores) -> np.ndarray:
        """Pairs worth a person's review (whatever their probability): no veto, and either the
        evidence rule met or none of the settings' ``no_review_without_evidence`` levels."""
        ok = ~scores.veto
        if scores.evidence is None:
            return ok
        hopeless = np.zeros(len(ok), bool)
        for name, excluded in self.settings.no_review_without_evidence.items():
            if name in scores.names:
                level_names = self.settings.comparison(name).level_names()
                codes = [level_names.index(x) for x in excluded if x in level_names]
                hopeless |= np.isin(scores.levels[scores.names.index(name)], codes)
        return ok & (scores.evidence | ~hopeless)

    # --- persistence ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "settings": self.settings.to_dict(),
            "prior": self.prior,
            "comparisons": {
                c.name: {
                    "levels": [lv.name for lv in c.levels],
                    "labels": [lv.label for lv in c.levels],
                    "m": [float(x) for x in self.m[c.name]],
                    "u": [float(x) for x in self.u[c.name]],
                }
                for c in self.settings.comparisons
            },
            "training": self.training,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"format de modèle inconnu : {data.get('format')!r}")
        settings = MatchSettings.from_dict(data["settings"])
        comps = data["comparisons"]
        for c in settings.comparisons:
            if comps[c.name]["levels"] != c.level_names():
                raise ValueError(f"niveaux de la comparaison {c.name} différents de ceux du modèle")
        return cls(
            settings=settings,
            prior=float(data["prior"]),
            m={k: list(v["m"]) for k, v in comps.items()},
            u={k: list(v["u"]) for k, v in comps.items()},
            training=dict(data.get("training", {})),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        return cls.from_dict(json.loads(text))

    def parameters(self) -> list[dict[str, Any]]:
        """Readable table of every level: m, u and weight."""
        out = []
        for c in self.settings.comparisons:
            w = self.level_weights(c.name)
            for i, lv in enumerate(c.levels):
                if i == 0:
                    continue
                out.append({
                    "comparison": c.name, "level": lv.name, "label": lv.label,
                    "m": self.m[c.name][i], "u": self.u[c.name][i], "weight": float(w[i]),
                    "tf": lv.tf, "veto": lv.veto,
                })
        return out
