"""The library imports neither the application nor Flask nor SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

import matching

FORBIDDEN = ("mrf", "flask", "sqlalchemy", "panels", "poursuites")


def test_matching_imports_no_application_module():
    root = Path(matching.__file__).resolve().parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
