"""The ``mrf`` command on a database that has no schema (a wrong instance folder)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_command_on_a_database_without_schema_says_so_and_exits_2(tmp_path) -> None:  # noqa: ANN001
    """A wrong MRF_INSTANCE_PATH: a French message naming the folder and the remedy, no traceback."""
    env = {**os.environ, "MRF_INSTANCE_PATH": str(tmp_path / "ailleurs")}
    env.pop("MRF_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", "from mrf.cli import main; main()", "stats", "--json"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert "pas de schéma MRF" in out.stderr and "mrf init-db" in out.stderr and "Traceback" not in out.stderr
