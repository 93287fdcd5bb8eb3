"""Sign-in throttling without lockout and without revealing which logins exist.

Failed sign-ins are counted per (login, address), per address and per login, whether the login exists or
not. Past a scope's free attempts, the next try waits 30 s, doubling at each failure, at most 15 min:
a delay, never a lock. The per-login count (NIST SP 800-63B: at most 100 consecutive failures) does not
apply from an address where that login signed in successfully in the last 30 days, so an attacker
elsewhere cannot keep an agent out of the application at their own workstation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import SignInThrottle


@dataclass(frozen=True)
class Scope:
    name: str
    free_failures: int


LOGIN_ADDRESS = Scope("login_ip", 5)
ADDRESS = Scope("ip", 30)
LOGIN = Scope("login", 100)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)  # a count restarts after a day without failure
KNOWN_ADDRESS = timedelta(days=30)


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=UTC)


def _keys(login: str, ip: str) -> dict[Scope, str]:
    login = login.strip().lower()[:64]
    ip = (ip or "inconnue")[:64]
    return {LOGIN_ADDRESS: f"{login}|{ip}", ADDRESS: ip, LOGIN: login}


def delay_after(failures: int, scope: Scope) -> timedelta:
    """How long to wait after ``failures`` consecutive failures in ``scope``."""
    if failures < scope.free_failures:
        return timedelta(0)
    steps = failures - scope.free_failures
    return MAX_DELAY if steps >= 10 else min(FIRST_DELAY * (2 ** steps), MAX_DELAY)


def _row(session: Session, scope: Scope, key: str, lock: bool = False) -> SignInThrottle | None:
    query = select(SignInThrottle).where(SignInThrottle.scope == scope.name, SignInThrottle.key == key)
    return session.scalar(query.with_for_update() if lock else query)


def wait_before(session: Session, login: str, ip: str, now: datetime) -> timedelta:
    """Time left before this (login, address) may try again; zero when it may try now."""
    keys = _keys(login, ip)
    pair = _row(session, LOGIN_ADDRESS, keys[LOGIN_ADDRESS])
    known = (pair is not None and pair.last_success_at is not None
             and _aware(pair.last_success_at) > now - KNOWN_ADDRESS)
    scopes = (LOGIN_ADDRESS, ADDRESS) if known else (LOGIN_ADDRESS, ADDRESS, LOGIN)
    wait = timedelta(0)
    for scope in scopes:
        row = pair if scope is LOGIN_ADDRESS else _row(session, scope, keys[scope])
        if row is not None and row.next_allowed_at is not None:
            wait = max(wait, _aware(row.next_allowed_at) - now)
    return wait


def _ensure(session: Session, scope: Scope, key: str) -> SignInThrottle:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(SignInThrottle).values(scope=scope.name, key=key, failures=0)
                    .on_conflict_do_nothing())
    row = _row(session, scope, key, lock=True)
    assert row is not None
    return row


def record_failure(session: Session, login: str, ip: str, now: datetime) -> None:
    for scope, key in _keys(login, ip).items():
        row = _ensure(session, scope, key)
        last = _aware(row.last_failure_at)
        row.failures = 1 if last is None or now - last > FORGET_AFTER else row.failures + 1
        row.last_failure_at = now
        pause = delay_after(row.failures, scope)
        row.next_allowed_at = now + pause if pause else None


def record_success(session: Session, login: str, ip: str, now: datetime) -> None:
    """Reset this login's counts (not the address's: one valid account must not reset an attacker's)."""
    keys = _keys(login, ip)
    pair = _ensure(session, LOGIN_ADDRESS, keys[LOGIN_ADDRESS])
    pair.failures, pair.next_allowed_at, pair.last_success_at = 0, None, now
    by_login = _row(session, LOGIN, keys[LOGIN], lock=True)
    if by_login is not None:
        by_login.failures, by_login.next_allowed_at = 0, None
