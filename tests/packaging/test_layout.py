"""Fast guards of the install layout and the test set-up (the wheel itself is built by the slow test beside)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import templates
from mrf import config as mrf_config
from poursuites import documents

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_pages_and_documents_come_from_the_one_templates_package() -> None:
    folder = templates.folder()
    assert (folder / "auth" / "login.html").is_file() and (folder / "documents" / "satd_tiers.html").is_file()
    assert mrf_config.templates_path() == folder == documents.TEMPLATES_DIR


def test_no_code_finds_templates_through_the_source_tree() -> None:
    walk_up = re.compile(r"parent\.parent\s*/\s*[\"']templates|parents\[\d\]\s*/\s*[\"']templates")
    for package in ("mrf", "poursuites", "matching", "panels"):
        for path in (ROOT / package).rglob("*.py"):
            assert not walk_up.search(path.read_text(encoding="utf-8")), path.relative_to(ROOT)


def test_every_kind_of_template_file_is_package_data() -> None:
    patterns = set(PYPROJECT["tool"]["setuptools"]["package-data"]["templates"])
    suffixes = {p.suffix for p in (ROOT / "templates").rglob("*.*")
                if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}
    assert suffixes, "templates/ est vide"
    assert {f"**/*{suffix}" for suffix in suffixes} <= patterns


def test_no_test_edits_sys_path() -> None:
    # Test helpers are importable through `pythonpath` in the pytest configuration.
    for path in (ROOT / "tests").rglob("*.py"):
        assert not re.search(r"sys\.path\.(append|insert|extend)|sys\.path\s*\+?=", path.read_text(encoding="utf-8")), \
            path.relative_to(ROOT)
    helpers = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*_fixtures.py")} | \
              {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*_world.py")}
    assert helpers <= set(PYPROJECT["tool"]["pytest"]["ini_options"]["pythonpath"])


def test_every_data_file_of_the_packages_is_package_data() -> None:
    """A data file beside the code (a TOML of legal figures, a word list…) that no package-data pattern
    names is missing from a normal install: the slow wheel test finds it, this finds it in a second."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package in ("mrf", "poursuites", "matching", "panels"):
        globs = [_glob_regex(g) for g in patterns.get(package, [])]
        for path in (ROOT / package).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(ROOT / package).as_posix()
            assert any(g.fullmatch(relative) for g in globs), (
                f"{package}/{relative} n'est couvert par aucun motif de package-data")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """setuptools' glob as a regular expression over the whole relative path: ``*`` stays within one
    folder, ``**/`` spans any number of them."""
    out = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
    return re.compile(out)
