"""The audit trail is tamper-evident (hash chain, ``mrf audit verify``) and append-only where the
database allows (triggers); appends stay chained under concurrency; CLI lines say who ran them."""

from __future__ import annotations

import getpass
import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from mrf.audit import chain
from mrf.extensions import db
from mrf.models import AuditLog
from mrf.services.admin import audit
from mrf.services.admin.users import create_user

PASSWORD = "cheval-agrafe-batterie-1"


def _lines() -> list[AuditLog]:
    with db.new_session() as s:
        return list(s.scalars(select(AuditLog).order_by(AuditLog.seq)))


def _raw(sql: str, **params) -> None:  # noqa: ANN003
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def _drop_triggers() -> None:
    from mrf.audit import append_only

    with db.engine.begin() as conn:
        append_only.remove(conn)


# ------------------------------------------------------------------------------------------ pure chain
def _chain(n: int) -> list[chain.ChainLine]:
    lines, prev = [], chain.GENESIS
    for seq in range(1, n + 1):
        at = datetime(2026, 12, 7, 10, 0, seq, tzinfo=UTC)
        digest = chain.line_hash(seq, at, 1, "consultation", "redevable", str(seq), {"k": [seq]}, "10.0.0.1", prev)
        lines.append(chain.ChainLine(seq * 10, seq, at, 1, "consultation", "redevable", str(seq), {"k": [seq]},
                                     "10.0.0.1", prev, digest))
        prev = digest
    return lines


def test_chain_names_the_first_changed_removed_or_inserted_line() -> None:
    lines = _chain(5)
    assert chain.verify(lines).verified == 5 and chain.verify(lines).ok
    changed = [*lines[:2], chain.ChainLine(**{**lines[2].__dict__, "object_id": "999"}), *lines[3:]]
    assert chain.verify(changed).broken_id == 30
    assert chain.verify([*lines[:2], *lines[3:]]).broken_id == 40  # line 3 removed: line 4 named
    reseq = [*lines[:2], *[chain.ChainLine(**{**line.__dict__, "seq": line.seq - 1}) for line in lines[3:]]]
    assert chain.verify(reseq).broken_id == 40  # renumbered: the link to the previous hash is wrong
    assert chain.line_hash(1, datetime(2026, 1, 1, 11, 0, tzinfo=UTC), None, "a", "b", None, {}, None,
                           chain.GENESIS) == chain.line_hash(1, datetime(2026, 1, 1, 11, 0), None, "a", "b", None,
                                                             {}, None, chain.GENESIS)  # naive = UTC (SQLite)


# ------------------------------------------------------------------------------------------ database
def test_lines_are_chained_and_verified(app, cli) -> None:
    for n in range(5):
        audit.record(None, "consultation", "redevable", n, {"champ": "é", "n": n}, ip="10.0.0.1")
    lines = _lines()
    assert [line.seq for line in lines] == [1, 2, 3, 4, 5]
    assert lines[0].prev_hash == chain.GENESIS and all(
        b.prev_hash == a.hash for a, b in zip(lines, lines[1:], strict=False))
    result = cli.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "5 ligne(s) vérifiée(s)" in result.output


def test_update_and_delete_are_refused_by_the_database(app) -> None:
    audit.record(None, "consultation", "redevable", 1)
    line_id = _lines()[0].id
    for statement in ("UPDATE audit_log SET object_id = 'x' WHERE id = :i", "DELETE FROM audit_log WHERE id = :i"):
        with pytest.raises(DBAPIError, match="ajout seul"):
            _raw(statement, i=line_id)
    assert _lines()[0].object_id == "1"


def test_a_line_changed_behind_the_application_is_named(app, cli) -> None:
    for n in range(6):
        audit.record(None, "consultation", "redevable", n)
    target = _lines()[3]
    _drop_triggers()  # as an attacker with rights on the database would
    _raw("UPDATE audit_log SET object_id = 'autre' WHERE id = :i", i=target.id)
    result = cli.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"ligne n° {target.id}" in result.output and "contenu modifié" in result.output
    assert "3 ligne(s) intègre(s)" in result.output


def test_a_deleted_line_is_found(app, cli) -> None:
    for n in range(4):
        audit.record(None, "consultation", "redevable", n)
    lines = _lines()
    _drop_triggers()
    _raw("DELETE FROM audit_log WHERE id = :i", i=lines[1].id)
    result = cli.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"ligne n° {lines[2].id}" in result.output and "manquant" in result.output


def test_a_line_inserted_behind_the_application_is_named(app, cli) -> None:
    audit.record(None, "consultation", "redevable", 1)
    _raw("INSERT INTO audit_log (at, action, object_type, details) VALUES (:at, 'faux', 'agent', '{}')",
         at=datetime.now(UTC))
    result = cli.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "non chaînée" in result.output


def test_concurrent_appends_stay_one_chain(app, cli) -> None:
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            with app.app_context():
                for n in range(15):
                    audit.record(None, "consultation", "redevable", f"{k}-{n}")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # verify first: on PostgreSQL a line committed while another chaining step held the lock may still wait
    assert cli.invoke(args=["audit", "verify"]).exit_code == 0
    assert [line.seq for line in _lines()] == list(range(1, 61))


def test_migration_chains_existing_lines(database_url: str, tmp_path) -> None:
    """A database at 0004 with audit lines: after the upgrade, they are the chain's first links."""
    from mrf import schema

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'ancienne.sqlite3'}"
        admin = None
    else:
        from tests.conftest import POSTGRES_ADMIN_URL

        name = f"mrf_mig_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        schema.upgrade(url, "0004")
        engine = create_engine(url)
        with engine.begin() as conn:
            for n in range(3):
                conn.execute(text("INSERT INTO audit_log (at, action, object_type, object_id, details) "
                                  "VALUES (:at, 'consultation', 'redevable', :o, :d)"),
                             {"at": datetime(2026, 1, 1, 9, n, tzinfo=UTC), "o": str(n),
                              "d": f'{{"n": {n}}}'})
        schema.upgrade(url)
        from sqlalchemy.orm import Session

        from mrf.audit import verify

        with Session(engine) as session:
            result = verify.verify(session)
        assert result.ok and result.verified == 3
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
        engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


# ------------------------------------------------------------------------------------------ CLI actor
def test_cli_lines_carry_the_operating_system_user(app, cli) -> None:
    result = cli.invoke(args=["user", "create", "agent.cli", "--role", "evaluateur", "--password-stdin"],
                        input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    line = next(line for line in _lines() if line.action == "creation_utilisateur")
    assert line.details["utilisateur_systeme"] == getpass.getuser() and line.details["canal"] == "cli"


def test_cli_as_login_is_recorded_and_checked(app, cli, monkeypatch) -> None:
    from mrf.audit import actor
    from mrf.cli import main

    admin = create_user("admin.cli", "administrateur", PASSWORD)
    try:
        result = cli.invoke(main, ["--as", "admin.cli", "user", "create", "agent.as", "--role", "evaluateur",
                                   "--password-stdin"], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        line = next(line for line in _lines() if line.action == "creation_utilisateur"
                    and line.details.get("login") == "agent.as")
        assert line.agent_id == admin.id and line.details["identifiant"] == "admin.cli"
        refused = cli.invoke(main, ["--as", "personne", "audit", "verify"])
        assert refused.exit_code == 2 and "Identifiant inconnu ou désactivé pour --as : « personne »" in refused.output
    finally:
        actor.request_login(None)
    monkeypatch.setenv("MRF_AS", "admin.cli")
    assert audit.actor_for_cli().agent_id == admin.id
    monkeypatch.delenv("MRF_AS")
    assert audit.actor_for_cli().agent_id is None and audit.actor_for_cli().system_user == getpass.getuser()


def test_web_lines_are_not_stamped_with_a_cli_user(app) -> None:
    import click

    with click.Context(click.Command("serve")):  # a server started from the command line
        audit.record(None, "import", "import_batch", 1)
        with app.test_request_context("/"):
            audit.record(None, "echec_connexion", "agent", None, {"identifiant": "x"}, ip="10.0.0.1")
    cli_line, web_line = _lines()
    assert cli_line.details["utilisateur_systeme"] == getpass.getuser()
    assert web_line.agent_id is None and "utilisateur_systeme" not in web_line.details


def test_a_line_without_its_place_and_a_wrong_digest_is_never_chained(app, cli) -> None:
    audit.record(None, "consultation", "redevable", 1)
    _raw("INSERT INTO audit_log (at, action, object_type, details, hash) VALUES (:at, 'faux', 'agent', '{}', :h)",
         at=datetime.now(UTC), h="f" * 64)
    audit.record(None, "consultation", "redevable", 2)  # chained after the first, past the forged line
    lines = _lines()
    forged = next(line for line in lines if line.action == "faux")
    assert forged.seq is None
    assert sorted(line.seq for line in lines if line.seq is not None) == [1, 2]
    result = cli.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"ligne n° {forged.id}" in result.output and "non chaînée" in result.output


def test_postgresql_appends_do_not_wait_for_the_chain(app, cli) -> None:
    """A line is committed while another transaction holds the chain's lock; the next chaining step, once
    the lock is free, gives it its place (in id order), and the chain verifies."""
    from mrf.audit import sealing

    if db.is_sqlite:
        pytest.skip("SQLite chaîne chaque ligne dans sa transaction (un seul écrivain à la fois)")
    holder = db.engine.connect()
    holder.begin()
    holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": sealing.ADVISORY_LOCK_KEY})
    writer = threading.Thread(target=lambda: _in_app(app, lambda: audit.record(None, "consultation", "redevable", 7)))
    writer.start()
    try:
        for _ in range(200):  # the append commits at once; only its chaining waits for the lock
            lines = _lines()
            if lines:
                break
            threading.Event().wait(0.05)
        assert [(line.object_id, line.seq) for line in lines] == [("7", None)]
        assert lines[0].hash == sealing.pending_hash(lines[0])
    finally:
        holder.rollback()
        holder.close()
    writer.join(timeout=30)
    assert not writer.is_alive()  # its chaining step found the lock taken and left the line to the next one
    audit.record(None, "consultation", "redevable", 8)
    assert [(line.object_id, line.seq) for line in _lines()] == [("7", 1), ("8", 2)]
    assert cli.invoke(args=["audit", "verify"]).exit_code == 0


def _in_app(app, action) -> None:  # noqa: ANN001
    with app.app_context():
        action()
