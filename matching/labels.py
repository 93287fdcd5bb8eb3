"""Learning from the reviewers' decisions: each decision (same person / different persons) is a
label kept and used at the next run.

* the clustering never overrides a label: a "same" pair is linked (must-link), a "different"
  pair is never in one cluster (cannot-link), see :func:`matching.linker.link`;
* the m probabilities are re-estimated: the labelled "same" pairs' levels, counted per
  comparison, are added to the EM estimate weighted as ``settings.label_prior_pairs`` pairs (the
  u probabilities stay those of random pairs: a review queue is no random sample of the
  different persons). Explanations keep their terms: a level, its m and u, its weight;
* the acceptance threshold is lowered to the lowest probability above which the labelled pairs
  are the same person at least 99 times in 100 (20 labels at least), never raised.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from .comparisons import PairBatch
from .csvio import InputError
from .model import MatchModel, compare_all
from .records import RecordKey
from .table import RecordTable

Decisions = Mapping[tuple[RecordKey, RecordKey], bool]

_SAME = {"1", "oui", "o", "true", "vrai", "same", "meme", "même", "identique"}
_DIFFERENT = {"0", "non", "n", "false", "faux", "different", "différent", "differentes", "différentes"}
LABEL_COLUMNS = ("left_file", "left_id", "right_file", "right_id", "same")


def read_labels(path: Path) -> dict[tuple[RecordKey, RecordKey], bool]:
    """Decisions from a CSV ``left_file,left_id,right_file,right_id,same`` (same: 1/0, oui/non).
    A bad file is refused whole, naming the line; two contradictory decisions on one pair too."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"fichier d'étiquettes illisible : {path} ({exc})") from exc
    missing = [c for c in LABEL_COLUMNS if c not in header]
    if rows and missing:
        raise InputError(f"{path} : colonne(s) absente(s) : {', '.join(missing)} (attendu : {','.join(LABEL_COLUMNS)})")
    out: dict[tuple[RecordKey, RecordKey], bool] = {}
    for line, row in enumerate(rows, start=2):
        value = (row.get("same") or "").strip().lower()
        if value not in _SAME and value not in _DIFFERENT:
            raise InputError(f"{path}, ligne {line} : décision « {value} » inconnue (1 ou 0, oui ou non)")
        a, b = (row["left_file"], row["left_id"]), (row["right_file"], row["right_id"])
        if a == b or not all(a) or not all(b):
            raise InputError(f"{path}, ligne {line} : paire incomplète ou d'un enregistrement avec lui-même")
        key = (min(a, b), max(a, b))
        same = value in _SAME
        if out.get(key, same) != same:
            raise InputError(f"{path}, ligne {line} : décision contraire à une précédente pour la même paire")
        out[key] = same
    return out


def learn(model: MatchModel, table: RecordTable, pairs: tuple[np.ndarray, np.ndarray], same: np.ndarray) -> MatchModel:
    """A copy of ``model`` whose m probabilities add the labelled "same" pairs (row indices of
    ``table``) to its estimate, and whose acceptance threshold the labels may lower."""
    settings = replace(model.settings)
    left, right = pairs
    if len(left) == 0:
        return model
    batch = PairBatch(table, table, left, right, settings.workers)
    results = compare_all(settings.comparisons, batch)
    prior = float(settings.label_prior_pairs)
    m = {k: list(v) for k, v in model.m.items()}
    for comp in settings.comparisons:
        levels = results[comp.name].levels[same]
        counts = np.bincount(levels, minlength=len(comp.levels)).astype(np.float64)
        counts[0] = 0.0  # a missing value says nothing of m
        if counts.sum() == 0:
            continue
        old = np.asarray(m[comp.name], np.float64)
        new = (prior * old + counts) / (prior + counts.sum())
        new[0] = old[0]
        m[comp.name] = [float(x) for x in new]
    learnt = MatchModel(settings=settings, prior=model.prior, m=m, u=model.u,
                        training={**model.training, "labels": int(len(left)), "labels_same": int(same.sum())})
    probability = learnt.score(compare_all(settings.comparisons, batch)).probability
    settings.accept = accept_threshold(probability, same, settings.accept, settings.review)
    return learnt


def accept_threshold(probability: np.ndarray, same: np.ndarray, accept: float, review: float,
                     precision: float = 0.99, minimum: int = 20) -> float:
    """The lowest labelled probability (not below ``review``) above which the labelled pairs
    are the same person at least ``precision`` of the time, over ``minimum`` labels at least;
    ``accept`` when the labels do not show it (never raised)."""
    order = np.argsort(-probability)
    p, s = probability[order], same[order].astype(np.float64)
    share = np.cumsum(s) / np.arange(1, len(s) + 1)
    best = accept
    for k in range(minimum - 1, len(p)):
        if share[k] >= precision and review <= p[k] < best:
            best = float(p[k])
    return best
