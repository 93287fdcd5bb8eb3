"""Who is signed in, and the HTTP headers every answer carries."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import UserMixin

from ..models import Agent

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)


class CurrentAgent(UserMixin):
    """The signed-in agent as Flask-Login sees it (a detached snapshot, not a live row)."""

    def __init__(self, agent: Agent) -> None:
        self.id = agent.id
        self.login = agent.login
        self.role = agent.role
        self.structure_id = agent.structure_id
        self.display_name = agent.display_name or agent.login


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not request.path.startswith("/static/"):
            # Pages carry personal data: never kept by a browser or proxy cache.
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
