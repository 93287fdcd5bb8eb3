"""Fixtures of the poursuites service tests; the builder lives in ``mrf_poursuites_world.py`` beside
this file (pytest runs with --import-mode=importlib, which does not put test folders on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)

from mrf_poursuites_world import World, make_structures  # noqa: E402


@pytest.fixture
def world(app) -> World:  # noqa: ANN001
    make_structures()
    return World()
