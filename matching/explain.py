"""Explanations: why a pair got its score, field by field, as plain JSON-serialisable dicts.

``prior_weight + Σ fields[*].weight == match_weight`` and ``probability = 2^W / (1 + 2^W)``.
"""

from __future__ import annotations

from typing import Any

from .model import MatchModel, Scores, prior_weight
from .records import RecordKey


def _pct(p: float) -> str:
    return f"{100 * p:.1f}".replace(".", ",") + " %"


def _signed(w: float) -> str:
    """A weight as a French reader writes it: ``+5,3`` (the summary is read by agents)."""
    return f"{w:+.1f}".replace(".", ",")


def explain_pair(
    model: MatchModel,
    scores: Scores,
    k: int,
    left: RecordKey,
    right: RecordKey,
    left_values: dict[str, Any] | None = None,
    right_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The explanation of pair ``k`` of ``scores``."""
    fields = []
    for row, name in enumerate(scores.names):
        comp = model.settings.comparison(name)
        lv = int(scores.levels[row, k])
        level = comp.levels[lv]
        fields.append({
            "comparison": name,
            "label": comp.label,
            "level": level.name,
            "level_label": level.label,
            "weight": float(scores.weights[row, k]),
            "tf_adjustment": float(scores.tf[row, k]),
            "m": float(model.m[name][lv]) if lv else None,
            "u": float(model.u[name][lv]) if lv else None,
            "veto": bool(level.veto),
        })
    w = float(scores.match_weight[k])
    p = float(1.0 / (1.0 + 2.0 ** (-max(min(w, 200.0), -200.0))))
    strongest = sorted((f for f in fields if f["level"] != "null"), key=lambda f: -abs(f["weight"]))[:3]
    summary = f"Probabilité {_pct(p)} : " + " ; ".join(
        f"{f['level_label']} ({_signed(f['weight'])})" for f in strongest
    )
    out: dict[str, Any] = {
        "left": {"source": left[0], "id": left[1]},
        "right": {"source": right[0], "id": right[1]},
        "prior": model.prior,
        "prior_weight": prior_weight(model.prior),
        "fields": fields,
        "match_weight": w,
        "probability": p,
        "veto": bool(scores.veto[k]),
        "evidence": bool(scores.evidence[k]) if scores.evidence is not None else True,
        "summary": summary,
    }
    if left_values is not None:
        out["left"]["values"] = left_values
    if right_values is not None:
        out["right"]["values"] = right_values
    return out
