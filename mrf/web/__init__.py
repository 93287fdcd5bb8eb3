"""Web layer: blueprints, sign-in, security headers, French error pages."""

from __future__ import annotations

from flask import Flask

from ..extensions import login_manager
from ..security import sessions
from .security import CurrentAgent, install_security_headers


def register_web(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Veuillez vous identifier pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> CurrentAgent | None:
        agent = sessions.current_agent(user_id)  # None once the server-side session has ended
        return CurrentAgent(agent) if agent is not None else None

    install_security_headers(app)
    sessions.install(app)

    from . import errors, helpers

    helpers.install(app)
    app.url_map.converters["int"] = helpers.BoundedIntConverter  # before the routes are added
    errors.install(app)

    from .accounts import bp as accounts_bp
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .commissaires import bp as commissaires_bp
    from .dashboard import bp as dashboard_bp
    from .decisions import bp as decisions_bp
    from .evaluation import bp as evaluation_bp
    from .garde_fous import bp as garde_fous_bp
    from .home import bp as home_bp
    from .jobs import bp as jobs_bp
    from .panels import bp as panels_bp
    from .renseignements import bp as renseignements_bp
    from .review import bp as review_bp
    from .search import bp as search_bp
    from .worklist import bp as worklist_bp

    for blueprint in (auth_bp, home_bp, worklist_bp, search_bp, accounts_bp, review_bp, panels_bp, dashboard_bp,
                      evaluation_bp, admin_bp, commissaires_bp, decisions_bp, renseignements_bp, garde_fous_bp,
                      jobs_bp):
        app.register_blueprint(blueprint)
