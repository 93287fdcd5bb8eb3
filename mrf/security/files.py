"""Owner-only files: the SQLite database (and its -wal, -shm) and the instance secret key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url


def tighten(path: Path) -> None:
    """Remove group and other permissions from an existing file we own."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077 and path.stat().st_uid == os.getuid():
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        pass


def private_sqlite_file(url: str) -> None:
    """Create the SQLite file with mode 600 before SQLite does (it would use 644); tighten an old one.

    SQLite gives its -wal and -shm files the database file's permissions."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # no O_TRUNC: an existing database is kept
    for suffix in ("", "-wal", "-shm", "-journal"):
        tighten(Path(f"{path}{suffix}"))
