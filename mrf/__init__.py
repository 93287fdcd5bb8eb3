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

    # Imported here, not at the top: every ``import mrf.<anything>`` runs this file first, and a
    # top-level import of the web layer and the commands would load every blueprint, command and
    # service for ``import mrf.models`` — and a service imported first would meet itself half
    # initialised through them. At import time the dependency is thus one-way (``mrf.cli`` imports
    # ``mrf``, never the reverse); at run time the application and its console script need each
    # other, by design (see the import of ``create_app`` in ``mrf/cli/__init__.py``).
    from .web import register_web

    register_web(app)

    from .cli import register_commands

    register_commands(app)
    return app
