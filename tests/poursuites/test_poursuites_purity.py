"""The library is pure domain: no application, web or database import."""

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "poursuites"
FORBIDDEN = ("mrf", "flask", "sqlalchemy", "alembic", "flask_login", "werkzeug")


def test_no_forbidden_import():
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_no_float_money_literals_in_data():
    # Amounts in the data files are integer cents or whole euros; rates in basis points.
    import tomllib

    def walk(value, where):
        if isinstance(value, float):
            raise AssertionError(f"valeur flottante dans {where}")
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}")
        if isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    for path in (PKG / "data").glob("*.toml"):
        walk(tomllib.loads(path.read_text(encoding="utf-8")), path.name)
