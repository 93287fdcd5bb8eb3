"""docs/formats.md stays in step with mrf.ingest.formats, and its examples are importable."""

from __future__ import annotations

import re
from pathlib import Path

from matching.reference import load_reference
from mrf.demo.structures import demo_structures
from mrf.ingest.formats import FORMATS
from mrf.ingest.parse import LineParser
from mrf.ingest.reader import open_source_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def test_every_column_is_documented_with_its_label():
    text = DOC.read_text(encoding="utf-8")
    for fmt in FORMATS.values():
        for column in fmt.columns:
            row = f"| `{column.name}` | {'oui' if column.required else 'non'} |"
            assert row in text, row
            assert column.label in text, column.label


def test_examples_have_three_lines_and_parse(tmp_path: Path):
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"`(\w+)\.csv` :\n\n```\n(.*?)```", text, flags=re.S)
    assert [name for name, _ in blocks] == ["impots", "amendes", "secteur_local"]
    codes = {s.code for s in demo_structures()}
    for name, body in blocks:
        fmt = next(f for f in FORMATS.values() if f.source.value == name)
        lines = body.strip("\n").split("\n")
        assert len(lines) == 4 and lines[0] == ";".join(fmt.names)
        path = tmp_path / f"{name}.csv"
        path.write_text(body, encoding="utf-8")
        source_file = open_source_file(path, fmt)
        parser = LineParser(fmt, source_file.header, load_reference(), codes)
        for number, cells in source_file.rows():
            parser.parse(number, cells)
