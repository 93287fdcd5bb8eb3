"""Configuration from the environment (MRF_*), with safe defaults for a fresh machine."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def instance_path() -> Path:
    """MRF_INSTANCE_PATH, else ``instance/`` beside a source checkout, else ``~/.local/share/mrf``."""
    if env := os.environ.get("MRF_INSTANCE_PATH"):
        return Path(env)
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "instance"
    return Path.home() / ".local" / "share" / "mrf"


def database_url(instance: Path) -> str:
    return os.environ.get("MRF_DATABASE_URL") or f"sqlite:///{instance / 'mrf.sqlite3'}"


def secret_key(instance: Path) -> str:
    """MRF_SECRET_KEY, else a key generated once and kept (owner-only) in the instance folder."""
    if env := os.environ.get("MRF_SECRET_KEY"):
        return env
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    from .security.files import tighten

    tighten(path)  # a key copied in with a lax mode
    return path.read_text().strip()


def load(overrides: dict | None = None) -> dict:
    instance = instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    config = {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url(instance),
        "SECRET_KEY": secret_key(instance),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure cookies unless explicitly served over plain HTTP for local use or tests.
        "SESSION_COOKIE_SECURE": os.environ.get("MRF_INSECURE_COOKIES") != "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": os.environ.get("MRF_INSECURE_COOKIES") != "1",
        "WTF_CSRF_TIME_LIMIT": None,
        # Sign-in sessions (mrf.security.sessions): a working day at most, 30 minutes without a request.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=float(os.environ.get("MRF_SESSION_MAX_HOURS", "10"))),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=float(os.environ.get("MRF_SESSION_IDLE_MINUTES", "30"))),
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    }
    config.update(overrides or {})
    return config


def templates_path() -> Path:
    """The ``templates`` data package's folder (pages and documents), wherever it is installed."""
    import templates

    return templates.folder()
