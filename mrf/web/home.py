"""Home: each role lands on its own page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user, login_required

from ..services.admin import access

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role in access.IDENTITY_ROLES:
        from .worklist import render_worklist

        return render_worklist()
    if current_user.role in access.DASHBOARD_ROLES:
        return redirect(url_for("dashboard.index"))
    if current_user.role in access.ADMIN_ROLES:
        return redirect(url_for("admin.users"))
    abort(403)
