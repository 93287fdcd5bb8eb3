"""Fixtures of the evaluation service tests; the builder lives in ``eval_world.py`` beside this file
(pytest runs with --import-mode=importlib, which does not put test folders on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)

from eval_world import EvalWorld  # noqa: E402


@pytest.fixture
def eval_world(app) -> EvalWorld:  # noqa: ANN001, ARG001
    return EvalWorld()
