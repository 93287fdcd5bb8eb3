"""Fixtures of the import tests; the valid lines and helpers live in ``ingest_files.py`` beside this
file (pytest runs with --import-mode=importlib, which does not put test folders on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)

from mrf.services.admin.structures import StructureSpec, upsert_structures  # noqa: E402


@pytest.fixture
def structures(app):
    upsert_structures([StructureSpec("SIP-TEST", "SIP de test", "sip", "89", ("impots",), ("89024",)),
                       StructureSpec("TA-TEST", "Trésorerie amendes de test", "tresorerie_amendes", "89",
                                     ("amendes",), ("89024",)),
                       StructureSpec("SPL-TEST", "Trésorerie SPL de test", "tresorerie_spl", "89",
                                     ("secteur_local",), ("89024",))])
