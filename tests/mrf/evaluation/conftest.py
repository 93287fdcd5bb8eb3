"""Fixtures of the evaluation service tests; the builder lives in ``eval_world.py`` beside this file
(on pytest's ``pythonpath``, see pyproject.toml)."""

from __future__ import annotations

import pytest

from eval_world import EvalWorld


@pytest.fixture
def eval_world(app) -> EvalWorld:  # noqa: ANN001, ARG001
    return EvalWorld()
