"""Shared fixtures. Database tests run on every backend named in MRF_TEST_DATABASES
(comma-separated: sqlite, postgresql); by default SQLite, plus PostgreSQL when it answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available here"
        return False


def _backends() -> list[str]:
    configured = os.environ.get("MRF_TEST_DATABASES")
    if configured:
        return [b.strip() for b in configured.split(",") if b.strip()]
    return ["sqlite", "postgresql"] if _postgres_reachable() else ["sqlite"]


BACKENDS = _backends()


@pytest.fixture(scope="session")
def backends() -> list[str]:
    """The database backends of this run (MRF_TEST_DATABASES, else SQLite plus PostgreSQL when it answers)."""
    return list(BACKENDS)


# werkzeug's default scrypt cost (n = 2**15, ~0.1 s a hash) made the web tests' users most of the suite's time.
# Tests hash with the same function and algorithm at n = 2**10; verification reads the cost from each hash.
TEST_SCRYPT = "scrypt:1024:8:1"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    import werkzeug.security as security

    real = security._hash_internal

    def hash_internal(method: str, salt: str, password: str) -> tuple[str, str]:
        return real(TEST_SCRYPT if method == "scrypt" else method, salt, password)

    patch = pytest.MonkeyPatch()
    patch.setattr(security, "_hash_internal", hash_internal)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"mrf_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    from mrf.extensions import db

    if db.engine is not None:
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'mrf.sqlite3'}"


_migrated: set[str] = set()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """An up-to-date, empty database on each configured backend."""
    url = request.getfixturevalue("postgres_url" if request.param == "postgresql" else "sqlite_url")
    from mrf import schema
    from mrf.models import Base

    if url not in _migrated:
        schema.upgrade(url)
        _migrated.add(url)
    engine = create_engine(url)
    from mrf.audit import append_only

    with engine.begin() as conn, append_only.suspended(conn):  # the audit trail refuses deletes otherwise
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    engine.dispose()
    return url


@pytest.fixture
def app(database_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MRF_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("MRF_SECRET_KEY", "cle-de-test-" + uuid.uuid4().hex)
    from mrf import create_app

    application = create_app({"DATABASE_URL": database_url, "TESTING": True, "SESSION_COOKIE_SECURE": False,
                              "REMEMBER_COOKIE_SECURE": False})
    with application.app_context():
        yield application


@pytest.fixture
def cli(app):
    """Click runner bound to the test application (stdout and stderr kept apart)."""
    return app.test_cli_runner()


# Fixtures that start Chromium (tests/web/conftest.py); any test using one is a browser test.
BROWSER_FIXTURES = frozenset({"chromium", "page", "live_server"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium ``browser``, so that ``-m "not browser"`` never starts it."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
