"""The import under seeded mutations of valid files of the three sources (issue 24), on each database:
no crash, refused files change nothing, accepted files leave only valid rows. The default lane runs
a hundred inputs; the slow lane 1,500, only when asked for (``pytest -m slow``: about 4 min on
SQLite, 6 on PostgreSQL); benchmarks/fuzz_ingest.py runs the same and prints the counts."""

from __future__ import annotations

import pytest

from ingest_fuzz import fuzz


def _check(stats) -> None:
    assert not stats.failures, "\n".join(stats.failures[:20])
    # The mutations reach both outcomes, or the harness tests nothing.
    assert stats.accepted > stats.inputs // 10 and stats.refused > stats.inputs // 10, stats.line()
    assert stats.lines_rejected > 0 and stats.reimports > 0, stats.line()


def test_a_hundred_mutated_files(cli, structures, tmp_path):
    _check(fuzz(cli, tmp_path, range(100)))


@pytest.mark.slow
def test_fifteen_hundred_mutated_files(cli, structures, tmp_path, request):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("1 500 fichiers : seulement avec -m slow")
    stats = fuzz(cli, tmp_path, range(1000, 2500))
    _check(stats)
    assert stats.inputs == 1500
