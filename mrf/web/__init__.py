"""Web layer: blueprints, sign-in, security headers."""

from __future__ import annotations

from flask import Flask

from ..extensions import db, login_manager
from ..models import Agent
from .security import CurrentAgent, install_security_headers


def register_web(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Veuillez vous identifier pour accéder à cette page."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> CurrentAgent | None:
        agent = db.session.get(Agent, int(user_id))
        return CurrentAgent(agent) if agent is not None and agent.active else None

    install_security_headers(app)

    from .auth import bp as auth_bp
    from .home import bp as home_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
