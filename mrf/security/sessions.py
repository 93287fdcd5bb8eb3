"""Server-side sign-in sessions: a cookie is only a random token naming an open ``web_session`` row.

Logout ends the row, so a copy of the cookie kept from before opens nothing. A session also ends after
``SESSION_IDLE_TIMEOUT`` without a request (last activity is signed into the cookie, so reading pages
never waits on the database write lock) and ``PERMANENT_SESSION_LIFETIME`` after sign-in (server-side
deadline, and Flask refuses a cookie signed longer ago than that)."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, flash, session
from sqlalchemy import select, update

from ..extensions import db
from ..models import Agent, WebSession

TOKEN_KEY = "mrf_sid"
SEEN_KEY = "mrf_vu"
# Last activity is re-signed at most this often: fewer Set-Cookie headers, idle precision of a minute.
SEEN_RESOLUTION_SECONDS = 60


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def begin(agent_id: int, ip: str | None) -> None:
    """Open a server-side session for a signed-in agent; the Flask session must have been cleared."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    lifetime: timedelta = current_app.permanent_session_lifetime
    with db.transaction() as s:
        s.add(WebSession(token_hash=_digest(token), agent_id=agent_id, created_at=now, expires_at=now + lifetime,
                         ip=(ip or "")[:64] or None))
    session.permanent = True
    session[TOKEN_KEY] = token
    session[SEEN_KEY] = int(time.time())


def end(reason: str) -> None:
    """End the current server-side session (logout, inactivity) and forget it in the cookie."""
    token = session.pop(TOKEN_KEY, None)
    session.pop(SEEN_KEY, None)
    if not token:
        return
    with db.transaction() as s:
        s.execute(update(WebSession).where(WebSession.token_hash == _digest(token), WebSession.ended_at.is_(None))
                  .values(ended_at=datetime.now(UTC), end_reason=reason))


def current_token_hash() -> str | None:
    """The hash naming the current request's server-side session (kept open when a user changes password)."""
    token = session.get(TOKEN_KEY)
    return _digest(token) if isinstance(token, str) and token else None


def current_agent(user_id: str) -> Agent | None:
    """Flask-Login's user loader: the agent only while the cookie's server-side session is open."""
    token = session.get(TOKEN_KEY)
    if not token or not isinstance(token, str):
        return None
    row = db.session.execute(select(WebSession, Agent).join(Agent, Agent.id == WebSession.agent_id)
                             .where(WebSession.token_hash == _digest(token))).first()
    if row is None:
        return None
    web_session, agent = row
    if str(agent.id) != str(user_id) or not agent.active or web_session.ended_at is not None:
        return None
    if _aware(web_session.expires_at) <= datetime.now(UTC):
        return None
    return agent


def install(app: Flask) -> None:
    """End idle sessions before each request; keep the last activity in the signed cookie."""
    idle: timedelta = app.config.get("SESSION_IDLE_TIMEOUT", timedelta(minutes=30))

    @app.before_request
    def _idle_timeout() -> None:
        if TOKEN_KEY not in session:
            return
        now = int(time.time())
        seen = session.get(SEEN_KEY)
        if not isinstance(seen, int) or now - seen > idle.total_seconds():
            end("inactivite")
            session.clear()
            flash("Session expirée après une période d'inactivité : veuillez vous identifier à nouveau.", "info")
        elif now - seen >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_KEY] = now
