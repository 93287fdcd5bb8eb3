"""MRF: the application that persists, serves and orchestrates (see DESIGN.md)."""

from __future__ import annotations

from flask import Flask

from . import config as mrf_config
from .extensions import csrf, db, login_manager


def create_app(overrides: dict | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints, CLI commands."""
    settings = mrf_config.load(overrides)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(mrf_config.templates_path()),
        static_folder="static",
    )
    app.config.update(settings)

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    from .web import register_web

    register_web(app)

    from .cli import register_commands

    register_commands(app)
    return app
