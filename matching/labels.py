"""Learning from the reviewers' decisions: each decision (same person / different persons) is a
label kept and used at the next run.

* the clustering never overrides a label: a "same" pair is linked (must-link), a "different"
  pair is never in one cluster (cannot-link), see :func:`matching.linker.link`;
* the m probabilities are re-estimated by one M-step of the EM over the scored pairs, where a
  labelled pair counts as its label and the others as the model's probability
  (:func:`refine`): a review queue is no sample of the true pairs, so its labels alone would
  pull m toward the weak levels. The u probabilities stay those of random pairs. Explanations
  keep their terms: a level, its m and u, its weight;
* the acceptance threshold is lowered to the lowest probability above which the labelled pairs
  are the same person at least 99 times in 100 (20 labels at least), never raised.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from .csvio import InputError
from .model import MatchModel, Scores
from .records import RecordKey

Decisions = Mapping[tuple[RecordKey, RecordKey], bool]

_SAME = {"1", "oui", "o", "true", "vrai", "same", "meme", "même", "identique"}
_DIFFERENT = {"0", "non", "n", "false", "faux", "different", "différent", "differentes", "différentes"}
LABEL_COLUMNS = ("left_file", "left_id", "right_file", "right_id", "same")
#: match weight (bits) of a pair a human decided is one person, at least: accepted whatever the model
#: says, in the batch run (:func:`matching.linker.link`) as in the daily flow (:class:`matching.MatchIndex`)
MUST_LINK_WEIGHT = 60.0


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


def refine(model: MatchModel, scores: Scores, same: np.ndarray, labelled: np.ndarray) -> tuple[MatchModel, Scores]:
    """One M-step of the EM over the scored pairs, where a labelled pair's probability is its
    label (1 same, 0 different) and another's the model's: m re-estimated without the bias of a
    review queue (its pairs are no sample of the true pairs), ``settings.label_prior_pairs``
    weighing the EM estimate; the scores rescored (a level's weight changes, its frequency part
    does not); the acceptance threshold set by :func:`accept_threshold`. ``same`` and
    ``labelled`` are masks over the scored pairs."""
    settings = replace(model.settings)
    if not labelled.any():
        return model, scores
    r = scores.probability.copy()
    r[labelled] = same[labelled]
    prior = float(settings.label_prior_pairs)
    m = {k: list(v) for k, v in model.m.items()}
    weights = scores.weights.copy()
    for row, name in enumerate(scores.names):
        comp = settings.comparison(name)
        levels = scores.levels[row]
        mass = np.bincount(levels, weights=r, minlength=len(comp.levels))
        mass[0] = 0.0  # a missing value says nothing of m
        if mass.sum() <= 0:
            continue
        old = np.asarray(m[name], np.float64)
        present = old[1:].sum()
        new = old.copy()
        new[1:] = (prior * old[1:] / present + mass[1:]) / (prior + mass.sum()) * present
        m[name] = [float(x) for x in new]
    learnt = MatchModel(settings=settings, prior=model.prior, m=m, u=model.u,
                        training={**model.training, "labels": int(labelled.sum()),
                                  "labels_same": int((same & labelled).sum())})
    for row, name in enumerate(scores.names):
        delta = learnt.level_weights(name) - model.level_weights(name)
        weights[row] += delta[scores.levels[row]].astype(np.float32)
    match_weight = scores.match_weight + (weights.sum(axis=0, dtype=np.float64)
                                          - scores.weights.sum(axis=0, dtype=np.float64))
    rescored = Scores(scores.names, scores.levels, weights, scores.tf, match_weight, scores.veto, scores.evidence)
    settings.accept = accept_threshold(rescored.probability[labelled], same[labelled], settings.accept,
                                       settings.review)
    return learnt, rescored
