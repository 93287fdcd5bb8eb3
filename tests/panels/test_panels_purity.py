"""The library is pure domain: no application, web or database import."""

import ast
import subprocess
import sys
from pathlib import Path

import panels

FORBIDDEN = ("mrf", "flask", "sqlalchemy", "alembic")
ROOT = Path(panels.__file__).resolve().parent


def test_no_forbidden_import_in_source():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_panels_loads_none_of_them():
    code = (
        "import sys, panels; "
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(ROOT.parent))
    assert out.stdout.strip() == ""
