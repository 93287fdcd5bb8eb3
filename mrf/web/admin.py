"""Administration: users and the audit log (administrateur)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..extensions import db
from ..services.admin import access, audit, audit_chaine, mots_de_passe, user_admin
from ..services.admin import users as user_service
from .access import role_required
from .formulaires import Formulaire
from .helpers import parse_date

bp = Blueprint("admin", __name__, url_prefix="/administration")


class UserForm(Formulaire):
    login = StringField("Identifiant", validators=[DataRequired("Ce champ est obligatoire."), Length(max=64),
                                                   Regexp(r"^[A-Za-z0-9._-]+$",
                                                          message="Lettres, chiffres, point, tiret, souligné.")])
    display_name = StringField("Nom affiché", validators=[Optional(), Length(max=200)])
    role = SelectField("Rôle", choices={r: access.ROLE_LABELS[r] for r in user_service.ROLES})
    structure = SelectField("Structure (agents et comptables)", choices=[])
    password = PasswordField("Mot de passe provisoire",
                             validators=[DataRequired("Ce champ est obligatoire."),
                                         Length(min=user_service.MIN_PASSWORD_LENGTH, max=256,
                                                message=f"Au moins {user_service.MIN_PASSWORD_LENGTH} caractères.")])


class ResetForm(Formulaire):
    """Only the CSRF token: the reset takes no input."""


def _form() -> UserForm:
    form = UserForm()
    form.structure.choices = {"": "Aucune", **{code: f"{code} — {name}"
                                               for code, name in user_admin.structure_codes(db.session)}}
    return form


@bp.route("/utilisateurs", methods=["GET", "POST"])
@role_required(*access.ADMIN_ROLES)
def users():
    form = _form()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                user_service.create_user(form.login.data, form.role.data, form.password.data,
                                         form.structure.data or None, form.display_name.data or None,
                                         provisional=True)
            except user_service.UserError as exc:
                flash(str(exc), "error")
                status = 400
            else:
                audit.record(current_user.id, "creation_utilisateur", "agent", form.login.data,
                             {"role": form.role.data, "structure": form.structure.data or None},
                             ip=request.remote_addr)
                flash(f"Utilisateur « {form.login.data} » créé.", "success")
                return redirect(url_for("admin.users"))
        else:
            status = 400
    return render_template("admin/users.html", rows=user_admin.list_users(db.session), form=form), status


@bp.route("/utilisateurs/<int:agent_id>/activation", methods=["POST"])
@role_required(*access.ADMIN_ROLES)
def toggle(agent_id: int):
    active = request.form.get("actif") == "1"
    try:
        agent = user_admin.set_active(agent_id, active, current_user.id, request.remote_addr)
    except LookupError:
        abort(404)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.users"))
    flash(f"Compte « {agent.login} » {'réactivé' if active else 'désactivé'}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/utilisateurs/<int:agent_id>/mot-de-passe", methods=["POST"])
@role_required(*access.ADMIN_ROLES)
def reset_password(agent_id: int):
    """A provisional password, shown once in this answer only (never flashed: the cookie would carry it)."""
    if not ResetForm().validate_on_submit():
        flash("Formulaire expiré : recommencez.", "error")
        return redirect(url_for("admin.users"))
    try:
        done = mots_de_passe.reset(current_user.id, agent_id=agent_id, ip=request.remote_addr)
    except mots_de_passe.Introuvable:
        abort(404)
    except mots_de_passe.Refus as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.users"))
    return render_template("admin/password_reset.html", done=done)


@bp.route("/audit", endpoint="audit")
@role_required(*access.ADMIN_ROLES)
def audit_log():
    args = request.args
    errors = []
    since = parse_date(args.get("du")) if args.get("du") else None
    until = parse_date(args.get("au")) if args.get("au") else None
    if (args.get("du") and since is None) or (args.get("au") and until is None):
        errors.append("Date illisible : saisissez-la au format JJ/MM/AAAA.")
    flt = audit.AuditFilter(login=(args.get("identifiant") or "").strip(), action=args.get("action") or "",
                            object_type=(args.get("objet") or "").strip(),
                            object_id=(args.get("numero") or "").strip(), since=since, until=until)
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    result = audit.search(db.session, flt, page)
    return render_template("admin/audit.html", result=result, flt=flt, args=args, errors=errors,
                           actions=audit.known_actions(db.session), labels=audit.ACTION_LABELS)



@bp.route("/audit/integrite")
@role_required(*access.ADMIN_ROLES)
def audit_chain():
    """Read-only: the hash chain verified now, as ``mrf audit verify`` does."""
    return render_template("admin/audit_chain.html", state=audit_chaine.etat(db.session))
