"""Sign in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..security import sessions
from ..services.admin import audit, mots_de_passe
from ..services.admin import users as user_service
from .formulaires import Formulaire
from .security import CurrentAgent

bp = Blueprint("auth", __name__)

# Set at sign-in when the password is provisional (set by an administrator): until it is changed, every
# page leads to the change form. The session cookie is signed, so the flag cannot be dropped by hand.
MUST_CHANGE_KEY = "mrf_changer_mdp"
_ALLOWED_WHILE_PROVISIONAL = frozenset({"auth.change_password", "auth.logout", "auth.login", "static"})


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
            if outcome.agent.must_change_password:
                session[MUST_CHANGE_KEY] = True
                flash("Votre mot de passe est provisoire : choisissez-en un nouveau pour continuer.", "info")
                return redirect(url_for("auth.change_password"))
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


class ChangePasswordForm(Formulaire):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired("Saisissez votre mot de passe actuel."),
                                                              Length(max=256)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField("Nouveau mot de passe",
                        validators=[DataRequired("Saisissez le nouveau mot de passe."),
                                    Length(max=256, message="Le mot de passe ne peut dépasser 256 caractères.")],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Confirmation du nouveau mot de passe",
                            validators=[DataRequired("Saisissez à nouveau le nouveau mot de passe."),
                                        EqualTo("new", message="Les deux saisies du nouveau mot de passe diffèrent.")],
                            render_kw={"autocomplete": "new-password"})


@bp.before_app_request
def _provisional_password_first() -> Response | None:
    """A user signed in with a provisional password sees nothing else before changing it."""
    if session.get(MUST_CHANGE_KEY) and request.endpoint not in _ALLOWED_WHILE_PROVISIONAL:
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    provisional = bool(session.get(MUST_CHANGE_KEY))
    if form.validate_on_submit():
        try:
            ended = mots_de_passe.change(form.current.data, form.new.data, agent_id=current_user.id,
                                         keep_token_hash=sessions.current_token_hash(), ip=request.remote_addr)
        except mots_de_passe.MotDePasseActuelIncorrect as exc:
            form.current.errors = [str(exc)]
        except mots_de_passe.MotDePasseRefuse as exc:
            form.new.errors = [str(exc)]
        else:
            session.pop(MUST_CHANGE_KEY, None)
            others = f" ; {ended} autre(s) session(s) fermée(s)" if ended else ""
            flash(f"Mot de passe changé{others}.", "success")
            return redirect(url_for("home.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form, provisional=provisional,
                           min_length=user_service.MIN_PASSWORD_LENGTH), status
