"""Sign in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..security import sessions
from ..services.admin import audit
from ..services.admin import users as user_service
from .formulaires import Formulaire
from .security import CurrentAgent

bp = Blueprint("auth", __name__)


class LoginForm(Formulaire):
    login = StringField("Identifiant", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Mot de passe", validators=[DataRequired(), Length(max=256)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        outcome = user_service.authenticate(form.login.data, form.password.data, request.remote_addr)
        if outcome.agent is not None:
            session.clear()  # nothing kept from before sign-in: a new CSRF token, a new session
            sessions.begin(outcome.agent.id, request.remote_addr)
            login_user(CurrentAgent(outcome.agent))
            return redirect(url_for("home.index"))
        flash(outcome.message, "error")
        return render_template("auth/login.html", form=form), 401
    if request.method == "POST":
        flash("Saisissez votre identifiant et votre mot de passe.", "error")
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record(current_user.id, "deconnexion", "agent", current_user.id, ip=request.remote_addr)
    sessions.end("deconnexion")
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))
