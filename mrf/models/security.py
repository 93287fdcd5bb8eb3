"""Sign-in sessions kept server-side, and the sign-in throttling counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class WebSession(Base):
    """One signed-in session of an agent; the browser holds only a random token whose hash is here."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))  # deconnexion, inactivite, duree_maximale
    ip: Mapped[str | None] = mapped_column(String(64))


class SignInThrottle(Base):
    """Failed sign-ins counted per scope: (login, address), address, login."""

    __tablename__ = "sign_in_throttle"
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None]
    next_allowed_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
