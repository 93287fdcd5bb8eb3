"""Fixtures of the poursuites service tests; the builder lives in ``mrf_poursuites_world.py`` beside
this file (on pytest's ``pythonpath``, see pyproject.toml)."""

from __future__ import annotations

import pytest

from mrf_poursuites_world import World, make_structures


@pytest.fixture
def world(app) -> World:  # noqa: ANN001
    make_structures()
    return World()
