"""Fixtures of the import tests; the valid lines and helpers live in ``ingest_files.py`` beside this
file (on pytest's ``pythonpath``, see pyproject.toml)."""

from __future__ import annotations

import pytest

from mrf.services.admin.structures import StructureSpec, upsert_structures


@pytest.fixture
def structures(app):
    upsert_structures([StructureSpec("SIP-TEST", "SIP de test", "sip", "89", ("impots",), ("89024",)),
                       StructureSpec("TA-TEST", "Trésorerie amendes de test", "tresorerie_amendes", "89",
                                     ("amendes",), ("89024",)),
                       StructureSpec("SPL-TEST", "Trésorerie SPL de test", "tresorerie_spl", "89",
                                     ("secteur_local",), ("89024",))])
