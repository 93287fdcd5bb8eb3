"""Fixtures of the commissaires de justice tests: the poursuites world (structures of the Yonne, one
debtor with an impôt, an amende and a local titre) plus two études sharing the Yonne's postal codes.
Helpers live in ``cj_world.py`` beside this file (on pytest's ``pythonpath``, see pyproject.toml)."""

from __future__ import annotations

import pytest

from cj_world import make_etudes
from mrf_poursuites_world import World, make_structures


@pytest.fixture
def world(app) -> World:  # noqa: ANN001
    make_structures()
    make_etudes()
    return World()
