"""The SQLite database and the instance secret key are owner-only (mode 600)."""

from __future__ import annotations

import os
import stat

from mrf import config, schema


def _mode(path) -> int:  # noqa: ANN001
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_sqlite_database_is_owner_only(tmp_path) -> None:
    path = tmp_path / "mrf.sqlite3"
    old = os.umask(0o022)
    try:
        schema.upgrade(f"sqlite:///{path}")
    finally:
        os.umask(old)
    assert _mode(path) == 0o600
    from mrf.extensions import make_engine

    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        for suffix in ("-wal", "-shm"):
            extra = tmp_path / f"mrf.sqlite3{suffix}"
            if extra.exists():
                assert _mode(extra) == 0o600
    engine.dispose()


def test_existing_world_readable_files_are_tightened(tmp_path, monkeypatch) -> None:
    path = tmp_path / "ancienne.sqlite3"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    from mrf.extensions import make_engine

    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600
    monkeypatch.delenv("MRF_SECRET_KEY", raising=False)
    key = tmp_path / "secret_key"
    assert config.secret_key(tmp_path) and _mode(key) == 0o600
    os.chmod(key, 0o644)
    config.secret_key(tmp_path)
    assert _mode(key) == 0o600
