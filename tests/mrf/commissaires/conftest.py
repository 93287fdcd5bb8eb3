"""Fixtures of the commissaires de justice tests: the poursuites world (structures of the Yonne, one
debtor with an impôt, an amende and a local titre) plus two études sharing the Yonne's postal codes.
Helpers live in ``cj_world.py`` beside this file (pytest runs with --import-mode=importlib)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for folder in (_HERE, _HERE.parent / "poursuites"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))

from cj_world import make_etudes  # noqa: E402
from mrf_poursuites_world import World, make_structures  # noqa: E402


@pytest.fixture
def world(app) -> World:  # noqa: ANN001
    make_structures()
    make_etudes()
    return World()
