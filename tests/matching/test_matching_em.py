"""EM with u fixed converges to the true m; training on a population gives sensible m and u."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matching import MatchModel, MatchSettings
from matching.table import build_table
from matching.training import run_em, train

from matching_fixtures import population


def test_em_recovers_known_m_and_lambda():
    rng = np.random.default_rng(0)
    n, lam = 200_000, 0.1
    true_m = [np.array([0, 0.9, 0.07, 0.03]), np.array([0, 0.8, 0.2]), np.array([0, 0.95, 0.05])]
    true_u = [np.array([0, 0.01, 0.09, 0.90]), np.array([0, 0.1, 0.9]), np.array([0, 0.02, 0.98])]
    match = rng.random(n) < lam
    levels = []
    for m, u in zip(true_m, true_u, strict=True):
        p = np.where(match[:, None], m[1:], u[1:])
        cum = p.cumsum(axis=1)
        levels.append(1 + (rng.random(n)[:, None] > cum).sum(axis=1))
    stacked = np.stack(levels)
    code = stacked[0] * 100 + stacked[1] * 10 + stacked[2]
    uniq, idx, counts = np.unique(code, return_index=True, return_counts=True)
    m0 = [np.array([0, 0.5, 0.3, 0.2]), np.array([0, 0.5, 0.5]), np.array([0, 0.5, 0.5])]
    m, lam_hat, iters, converged = run_em(stacked[:, idx], counts.astype(float), m0, true_u, 0.5, 500, 1e-7)
    assert converged and iters < 500
    assert lam_hat == pytest.approx(lam, abs=0.01)
    for est, tru in zip(m, true_m, strict=True):
        assert np.allclose(est[1:], tru[1:], atol=0.02)


@pytest.fixture(scope="module")
def model():
    records, _ = population(500, seed=2)
    return train(build_table(records), MatchSettings())


def level(model, comparison, name):
    comp = model.settings.comparison(comparison)
    i = comp.level_names().index(name)
    return model.m[comparison][i], model.u[comparison][i]


def test_trained_probabilities_are_sensible(model):
    m, u = level(model, "birth_date", "exact")
    assert m > 0.8 and u < 0.005
    m, u = level(model, "surname", "exact")
    assert m > 0.6 and u < 0.05
    m, u = level(model, "address", "exact")
    assert m > 0.5 and u < 0.01
    m_other, u_other = level(model, "surname", "other")
    assert m_other < 0.2 and u_other > 0.9
    assert 0 < model.prior < 0.05
    assert all(s.get("converged", True) for s in model.training["sessions"])


def test_model_json_round_trip(model):
    text = model.to_json()
    data = json.loads(text)
    assert data["format"].startswith("matching.fellegi-sunter")
    again = MatchModel.from_json(text)
    assert again.prior == model.prior
    for c in model.settings.comparisons:
        assert np.allclose(again.level_weights(c.name), model.level_weights(c.name))
