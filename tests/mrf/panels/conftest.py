"""Fixtures of the panels application tests; the builder lives in ``mrf_panels_world.py`` beside
this file (on pytest's ``pythonpath``, see pyproject.toml)."""

from __future__ import annotations

import pytest

from mrf_panels_world import World, make_structures


@pytest.fixture
def world(app) -> World:  # noqa: ANN001
    make_structures()
    return World()
