"""Extensions, created once here and bound to the application in ``create_app``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """Engine and session factory. Services open one transaction per use case with
    ``db.transaction()``; views read through ``db.session`` (one per request)."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._write_factory: sessionmaker[Session] | None = None

    def init_app(self, app: Flask) -> None:
        self.configure(app.config["DATABASE_URL"])
        app.teardown_appcontext(self._close_request_session)
        app.extensions["mrf_db"] = self

    def configure(self, url: str) -> None:
        from .audit import sealing

        sealing.install()  # every audit line written through the ORM is chained (mrf.audit)
        if self.engine is not None and str(self.engine.url) == url:
            return
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._write_factory = sessionmaker(
            self.engine.execution_options(mrf_write=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        assert self.engine is not None
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on any error."""
        assert self._factory is not None, "Database not configured"
        with self._write_factory() as session, session.begin():
            yield session

    @property
    def session(self) -> Session:
        """The current request's read session."""
        if "db_session" not in g:
            assert self._factory is not None
            g.db_session = self._factory()
        return g.db_session

    def new_session(self) -> Session:
        assert self._factory is not None
        return self._factory()

    @staticmethod
    def _close_request_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        from .security.files import private_sqlite_file

        private_sqlite_file(url)  # mode 600: the database holds personal and fiscal data
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            # Let SQLAlchemy's begin() issue BEGIN; WAL lets readers run beside one writer.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # noqa: ANN001
            # Write transactions take the lock at BEGIN (IMMEDIATE) so that concurrent writers
            # queue instead of failing on lock upgrade; reads stay deferred and never block.
            immediate = conn.get_execution_options().get("mrf_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
