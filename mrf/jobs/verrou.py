"""An exclusive lock per job family, held by a process for the duration of a job.

PostgreSQL: a session-level advisory lock on a dedicated connection. SQLite: ``flock`` on a file
beside the database. Both are released by the operating system or the server when the process dies,
so a killed job never leaves a stale lock: it can be restarted at once. Re-entrant within a process
(a job that holds « rapprochement » may call a service that asks for it again)."""

from __future__ import annotations

import fcntl
import os
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from ..extensions import db
from ..services.errors import Conflit

LIBELLES = {
    "rapprochement": "un rapprochement des identités",
    "import": "un import",
    "panel": "une composition de panel",
    "liste_travail": "une mise à jour des listes de travail",
    "satd": "une émission de SATD en lot pour cette structure",
}

_held: dict[str, int] = {}
_guard = threading.Lock()


class TacheEnCours(Conflit):
    """Another job of the same family is running."""

    def __init__(self, nom: str) -> None:
        libelle = LIBELLES.get(nom.split(":")[0], "une tâche du même type")
        super().__init__(f"Impossible de lancer cette tâche : {libelle} est déjà en cours. "
                         "Attendez sa fin puis relancez.")


def _sqlite_lock_path(nom: str) -> Path:
    database = db.engine.url.database or ""
    folder = Path(database).resolve().parent if database and database != ":memory:" else Path("/tmp")
    safe = "".join(c if c.isalnum() else "_" for c in nom)
    return folder / f".mrf-verrou-{safe}.lock"


@contextmanager
def exclusif(nom: str) -> Iterator[None]:
    """Hold the lock ``nom`` or raise :class:`TacheEnCours` at once (never waits)."""
    with _guard:
        if _held.get(nom):
            _held[nom] += 1
            reentrant = True
        else:
            reentrant = False
    if reentrant:
        try:
            yield
        finally:
            with _guard:
                _held[nom] -= 1
        return
    release = _acquire(nom)
    with _guard:
        _held[nom] = 1
    try:
        yield
    finally:
        with _guard:
            _held.pop(nom, None)
        release()


def _acquire(nom: str):  # noqa: ANN202 - returns the release function
    assert db.engine is not None, "Database not configured"
    if db.is_sqlite:
        fd = os.open(_sqlite_lock_path(nom), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise TacheEnCours(nom) from None

        def release() -> None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

        return release
    key = zlib.crc32(f"mrf:{nom}".encode()) - 2**31  # a signed 32-bit key of its own
    conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    if not conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}):
        conn.close()
        raise TacheEnCours(nom)

    def release_pg() -> None:
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        finally:
            conn.close()

    return release_pg


def est_libre(nom: str) -> bool:
    """Whether ``nom`` could be taken now (for a page that offers to start a job)."""
    try:
        with exclusif(nom):
            return True
    except TacheEnCours:
        return False
