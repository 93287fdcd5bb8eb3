"""Long jobs from the pages: start one (roles allowed per kind), follow its progress (the page refreshes
itself, no JavaScript needed), read its end report, restart one that stopped."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.utils import secure_filename
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..extensions import db
from ..jobs import file, taches
from ..models import Structure
from ..services.admin import access, audit
from ..services.errors import ErreurService
from ..services.poursuites import lot
from .access import role_required
from .formulaires import Formulaire
from .helpers import parse_date

bp = Blueprint("jobs", __name__, url_prefix="/taches")

ROLES = frozenset().union(*(t.roles for t in taches.TACHES.values()))
OBLIGATOIRE = "Ce champ est obligatoire."
SOURCES = {"impots": "Impôts", "amendes": "Amendes", "secteur_local": "Secteur local"}


class ImportForm(Formulaire):
    source = SelectField("Source", choices=SOURCES)
    fichier = FileField("Fichier extrait (CSV)", validators=[FileRequired("Choisissez un fichier.")])


class PanelForm(Formulaire):
    criteres = TextAreaField("Critères (TOML)", validators=[DataRequired(OBLIGATOIRE),
                                                            Length(max=20_000, message="20 000 caractères au plus.")])
    graine = IntegerField("Graine (facultatif)", validators=[
        Optional(), NumberRange(min=0, max=2**31 - 1, message="Un entier entre 0 et 2 147 483 647.")])


class SatdForm(Formulaire):
    date = StringField("Date d'émission (JJ/MM/AAAA, défaut : aujourd'hui)",
                       validators=[Optional(), Length(max=10, message="Date au format JJ/MM/AAAA.")])


class ListeForm(Formulaire):
    complete = BooleanField("Recalcul complet")


class SimpleForm(Formulaire):
    """Only the CSRF token (a job without parameters)."""


FORMS = {"import": ImportForm, "rapprochement": SimpleForm, "rattachement": SimpleForm, "panel": PanelForm,
         "satd": SatdForm, "liste_travail": ListeForm}


def _allowed() -> list[taches.Tache]:
    return [t for t in taches.TACHES.values() if current_user.role in t.roles
            and (t.code != "satd" or current_user.structure_id is not None)]


def _structure_code() -> str | None:
    return db.session.scalar(select(Structure.code).where(Structure.id == current_user.structure_id))


def _params(code: str, form: FlaskForm) -> tuple[dict, dict]:
    """Job parameters and what the page shows of them; raises ValueError with a French message."""
    if code == "import":
        upload = form.fichier.data
        folder = Path(current_app.instance_path) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        name = secure_filename(upload.filename or "") or "extrait.csv"
        path = folder / f"{uuid.uuid4().hex}-{name}"
        upload.save(path)
        return ({"source": form.source.data, "chemin": str(path), "nom": upload.filename},
                {"Source": SOURCES[form.source.data], "Fichier": upload.filename})
    if code == "panel":
        return ({"criteres": form.criteres.data, "graine": form.graine.data},
                {"Graine": form.graine.data if form.graine.data is not None else "celle des critères"})
    if code == "satd":
        on = None
        if form.date.data:
            on = parse_date(form.date.data)
            if on is None:
                raise ValueError("Date d'émission illisible : saisissez une date au format JJ/MM/AAAA.")
        structure = _structure_code()
        return ({"structure": structure, "date": on.isoformat() if on else None},
                {"Structure": structure, "Date d'émission": form.date.data or "aujourd'hui"})
    if code == "liste_travail":
        return {"complete": bool(form.complete.data)}, {"Recalcul complet": "oui" if form.complete.data else "non"}
    return {}, {}


def _visible(etat: file.EtatTache) -> bool:
    return current_user.role == access.CENTRALE or etat.agent_id == current_user.id


@bp.route("")
@role_required(*ROLES)
def index():
    forms = {t.code: FORMS[t.code](prefix=t.code) for t in _allowed()}
    error = None
    try:
        rows = file.recentes(50, None if current_user.role == access.CENTRALE else current_user.id)
    except ErreurService as exc:
        rows, error = [], str(exc)
    return render_template("jobs/index.html", taches=_allowed(), forms=forms, rows=rows, error=error)


@bp.route("/satd/apercu")
@role_required(*ROLES)
def satd_preview():
    """What the batch SATD of the agent's structure would issue, before it is started."""
    if not any(t.code == "satd" for t in _allowed()):
        abort(403)
    apercu = lot.preview_batch(_structure_code())
    return render_template("jobs/satd_preview.html", apercu=apercu, form=SatdForm(prefix="satd"))


@bp.route("/<code>", methods=["POST"])
@role_required(*ROLES)
def start(code: str):
    spec = next((t for t in _allowed() if t.code == code), None)
    if spec is None:
        abort(403 if code in taches.TACHES else 404)
    form = FORMS[code](prefix=code)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("jobs.index")), 303
    try:
        params, shown = _params(code, form)
        job_id = file.lancer(code, params, current_user.id, current_user.login, shown)
    except ValueError as exc:  # a Refus is a ValueError too
        flash(str(exc), "error")
        return redirect(url_for("jobs.index")), 303
    audit.record(current_user.id, "lancement_tache", "tache", job_id, {"tache": spec.libelle, **shown},
                 ip=request.remote_addr)
    return redirect(url_for("jobs.show", job_id=job_id)), 303


@bp.route("/suivi/<job_id>")
@role_required(*ROLES)
def show(job_id: str):
    etat = file.etat(job_id)
    if not _visible(etat):
        abort(404)
    return render_template("jobs/show.html", etat=etat, relance=SimpleForm(prefix="relance"))


@bp.route("/suivi/<job_id>/relancer", methods=["POST"])
@role_required(*ROLES)
def restart(job_id: str):
    etat = file.etat(job_id)
    if not _visible(etat) or current_user.role not in taches.tache(etat.code).roles:
        abort(404)
    if not SimpleForm(prefix="relance").validate_on_submit():
        abort(400)
    try:
        new_id = file.relancer(job_id, current_user.id, current_user.login)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("jobs.show", job_id=job_id)), 303
    audit.record(current_user.id, "lancement_tache", "tache", new_id, {"tache": etat.libelle, "relance_de": job_id},
                 ip=request.remote_addr)
    return redirect(url_for("jobs.show", job_id=new_id)), 303
