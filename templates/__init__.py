"""MRF's Jinja pages and documents, installed as a data package beside ``mrf`` and ``poursuites``.

Both find the folder through :func:`folder` (``importlib.resources``), so a normal ``pip install .``
serves pages and renders documents exactly as a source checkout does.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def folder() -> Path:
    """The templates folder on the file system (Jinja's loader and WeasyPrint read plain files)."""
    root = files(__name__)
    if not isinstance(root, Path):  # e.g. imported from a zip archive: no folder to give Jinja
        raise RuntimeError(f"Les gabarits doivent être installés sur le système de fichiers, pas dans {root}.")
    return root
