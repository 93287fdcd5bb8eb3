"""Commissaires de justice: dossiers by state with deadlines, a dossier's events, saisine from an
account (preview, then the comptable signs), batch saisine over the work list, import of bilans,
statistics, downloads of letters and interface files.

Agents and comptables see their structure's dossiers only (convention, annex II); central
administration sees all; only a comptable signs (saisine, bilans, decisions, signals)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..extensions import db
from ..models import DemandeCommissaire, FichierEchange, Structure
from ..services.admin import access, audit
from ..services.commissaires import actualisation, anv, arrondissements, bilans, registre, saisine, stats
from ..services.commissaires.etat import ETATS, LIBELLES
from ..services.errors import ErreurService
from .access import redevable_or_404, role_required
from .formulaires import messages

bp = Blueprint("commissaires", __name__, url_prefix="/commissaires")

VIEW_ROLES = (access.AGENT, access.COMPTABLE, access.CENTRALE)
SIGN_ROLES = (access.COMPTABLE,)
PHASES = {"comminatoire": "Phase comminatoire", "judiciaire": "Phase de recouvrement judiciaire"}


class SaisineForm(FlaskForm):
    phase = HiddenField(default="comminatoire")
    creances = SelectMultipleField("Créances à confier", coerce=int, option_widget=CheckboxInput(),
                                   widget=ListWidget(prefix_label=False),
                                   validators=[DataRequired("Choisissez au moins une créance.")])


class LotForm(FlaskForm):
    phase = SelectField("Phase", choices=[SelectChoice(k, v) for k, v in PHASES.items()])
    limite = IntegerField("Nombre maximal de comptes", validators=[Optional(), NumberRange(min=1, max=5000)])


class BilanForm(FlaskForm):
    fichier = FileField("Fichier de bilans (format MRF-CJ-BILAN)", validators=[FileRequired("Choisissez un fichier.")])


class ArrondissementsForm(FlaskForm):
    fichier = FileField("Table commune → arrondissement (CSV « ; » : code INSEE de la commune, code et libellé de "
                        "l'arrondissement, ou fichier des communes du COG)",
                        validators=[FileRequired("Choisissez un fichier.")])
    noms = FileField("Noms des arrondissements (fichier des arrondissements du COG, facultatif)")


class ProlongationForm(FlaskForm):
    decision = SelectField("Décision", choices=[SelectChoice("accorder", "Accorder"),
                                                SelectChoice("refuser", "Refuser")])
    jours = IntegerField("Jours accordés", validators=[Optional(), NumberRange(min=1, max=365)])


class SignalForm(FlaskForm):
    kind = SelectField("Signalement", choices=[SelectChoice(k, v) for k, v in actualisation.SIGNAUX.items()])
    motif = StringField("Motif", validators=[Optional()])


def _scope() -> int | None:
    """The structure whose dossiers the user sees (None: all, for central administration)."""
    if current_user.role == access.CENTRALE:
        return None
    if current_user.structure_id is None:
        abort(403)
    return current_user.structure_id


def _structure_code() -> str | None:
    sid = _scope()
    return db.session.get(Structure, sid).code if sid is not None else None


@bp.route("/")
@role_required(*VIEW_ROLES)
def index():
    today = date.today()
    wanted = request.args.get("etat") or None
    vues = registre.charger(db.session, today, structure_id=_scope())
    counts = {k: sum(1 for v in vues if v.etat.etat == k) for k in ETATS}
    shown = [v for v in vues if wanted is None or v.etat.etat == wanted]
    shown.sort(key=lambda v: (v.etat.etat not in ("echu", "en_cours"), v.etat.echeance))
    return render_template("commissaires/index.html", vues=shown, counts=counts, etats=ETATS, wanted=wanted,
                           lot=LotForm(prefix="lot"), bilan=BilanForm(prefix="bilan"),
                           can_sign=current_user.role in SIGN_ROLES, today=today)


@bp.route("/dossiers/<numero>")
@role_required(*VIEW_ROLES)
def dossier(numero: str):
    today = date.today()
    v = registre.un_dossier(db.session, numero, today, _scope())
    audit.record(current_user.id, "consultation", "dossier_commissaire", v.dossier.id, ip=request.remote_addr)
    insolvable = any(e.sens == "retour" and e.kind == "insolvabilite" for e in v.events)
    return render_template("commissaires/dossier.html", v=v, libelles=LIBELLES, phases=PHASES, insolvable=insolvable,
                           anv_form=FlaskForm(),
                           prolongation=ProlongationForm(prefix="prolongation"), signal=SignalForm(prefix="signal"),
                           can_sign=current_user.role in SIGN_ROLES, today=today)


@bp.route("/dossiers/<numero>/prolongation", methods=["POST"])
@role_required(*SIGN_ROLES)
def prolongation(numero: str):
    form = ProlongationForm(prefix="prolongation")
    if not form.validate_on_submit():
        flash("Décision illisible : " + messages(form), "error")
    else:
        try:
            bilans.decider_prolongation(numero, form.decision.data == "accorder", date.today(), current_user.id,
                                        _scope(), form.jours.data)
            flash("Décision sur la prolongation enregistrée ; elle part dans le prochain fichier.", "success")
        except ErreurService as exc:
            flash(str(exc), "error")
    return redirect(url_for("commissaires.dossier", numero=numero))


@bp.route("/dossiers/<numero>/signal", methods=["POST"])
@role_required(*SIGN_ROLES)
def signal(numero: str):
    form = SignalForm(prefix="signal")
    if not form.validate_on_submit():
        abort(400)
    try:
        actualisation.signaler(numero, form.kind.data, date.today(), current_user.id, _scope(), form.motif.data or "")
        flash("Signalement enregistré ; il part dans le prochain fichier.", "success")
    except ErreurService as exc:
        flash(str(exc), "error")
    return redirect(url_for("commissaires.dossier", numero=numero))


@bp.route("/dossiers/<numero>/anv", methods=["POST"])
@role_required(*SIGN_ROLES)
def proposer_anv(numero: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        proposal = anv.proposer_anv(numero, date.today(), current_user.id, _scope())
        flash(f"Admission en non-valeur proposée : {proposal.explanation}", "success")
    except ErreurService as exc:
        flash(str(exc), "error")
    return redirect(url_for("commissaires.dossier", numero=numero))


@bp.route("/redevables/<int:redevable_id>/saisine", methods=["GET", "POST"])
@role_required(access.AGENT, access.COMPTABLE)
def saisine_compte(redevable_id: int):
    redevable = redevable_or_404(db.session, current_user, redevable_id)
    phase = request.values.get("phase", "comminatoire")
    if phase not in PHASES:
        abort(400)
    code = _structure_code()
    preview = saisine.apercu(redevable.id, phase, date.today(), code)
    form = SaisineForm(prefix="saisine")
    form.creances.choices = [SelectChoice(c.creance_id, c.reference) for c in preview.creances if c.eligible]
    if request.method == "GET":
        form.creances.data = [c.creance_id for c in preview.creances if c.eligible]
        form.phase.data = phase
    if request.method == "POST":
        if current_user.role not in SIGN_ROLES:
            abort(403)
        if form.validate_on_submit():
            try:
                result = saisine.saisir([redevable.id], phase, date.today(), current_user.id, structure_code=code,
                                        creance_ids=form.creances.data)
            except ErreurService as exc:
                flash(f"Saisine refusée : {exc}", "error")
            else:
                for r in result.rejets:
                    flash(r, "error")
                if result.dossiers:
                    flash(f"{result.summary()} Dossier(s) : {', '.join(d.numero for d in result.dossiers)}.", "success")
                    return redirect(url_for("commissaires.index"))
    return render_template("commissaires/saisine.html", r=redevable, preview=preview, form=form, phases=PHASES,
                           phase=phase, can_sign=current_user.role in SIGN_ROLES)


@bp.route("/saisine-lot", methods=["POST"])
@role_required(*SIGN_ROLES)
def saisine_lot():
    form = LotForm(prefix="lot")
    if not form.validate_on_submit():
        flash("Saisine par lot : " + messages(form), "error")
        return redirect(url_for("commissaires.index"))
    try:
        result = saisine.saisir_lot(_structure_code(), form.phase.data, date.today(), current_user.id,
                                    form.limite.data)
    except ErreurService as exc:
        flash(f"Saisine refusée : {exc}", "error")
    else:
        flash(result.summary(), "success" if result.dossiers else "info")
    return redirect(url_for("commissaires.index"))


@bp.route("/bilans", methods=["POST"])
@role_required(*SIGN_ROLES)
def import_bilan():
    form = BilanForm(prefix="bilan")
    if not form.validate_on_submit():
        flash("Import refusé : " + messages(form), "error")
        return redirect(url_for("commissaires.index"))
    f = form.fichier.data
    try:
        text = f.read().decode("utf-8-sig")
        result = bilans.importer_bilan_texte(text, f.filename or "bilan.csv", current_user.id)
    except UnicodeDecodeError:
        flash("Import refusé : le fichier n'est pas un texte UTF-8.", "error")
    except ErreurService as exc:
        flash(str(exc), "error")
    else:
        flash(result.summary(), "success")
    return redirect(url_for("commissaires.index"))


@bp.route("/statistiques")
@role_required(*VIEW_ROLES)
def statistiques():
    critere = request.args.get("critere", "etude")
    if critere not in stats.CRITERES:
        abort(400)
    rows = stats.statistiques(db.session, date.today(), critere, _scope())
    if request.args.get("format") == "csv":
        response = Response(stats.to_csv(rows), mimetype="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="statistiques-commissaires-{critere}.csv"'
        return response
    return render_template("commissaires/statistiques.html", rows=rows, critere=critere, criteres=stats.CRITERES,
                           form=ArrondissementsForm(prefix="arr") if current_user.role == access.CENTRALE else None)


@bp.route("/arrondissements", methods=["POST"])
@role_required(access.CENTRALE)
def import_arrondissements():
    """The central administration imports the commune → arrondissement table (statistics per arrondissement)."""
    form = ArrondissementsForm(prefix="arr")
    back = redirect(url_for("commissaires.statistiques", critere="arrondissement"))
    if not form.validate_on_submit():
        flash("Import refusé : " + messages(form), "error")
        return back
    try:
        text = form.fichier.data.read().decode("utf-8-sig")
        noms = form.noms.data.read().decode("utf-8-sig") if form.noms.data else None
        result = arrondissements.importer_texte(text, noms, current_user.id, form.fichier.data.filename or "")
    except UnicodeDecodeError:
        flash("Import refusé : le fichier n'est pas un texte UTF-8.", "error")
        return back
    except ErreurService as exc:
        flash(str(exc), "error")
        return render_template("commissaires/statistiques.html", rows=[], critere="arrondissement",
                               criteres=stats.CRITERES, form=form), exc.status
    flash(result.summary(), "success")
    return back


@bp.route("/demandes/<int:demande_id>.pdf")
@role_required(*VIEW_ROLES)
def demande_pdf(demande_id: int):
    d = db.session.get(DemandeCommissaire, demande_id)
    scope = _scope()
    if d is None or (scope is not None and d.structure_id != scope):
        abort(404)
    audit.record(current_user.id, "telechargement", "demande_commissaire", d.id, ip=request.remote_addr)
    response = Response(d.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{d.numero}.pdf"'
    return response


@bp.route("/fichiers/<int:fichier_id>")
@role_required(access.CENTRALE)
def fichier(fichier_id: int):
    f = db.session.get(FichierEchange, fichier_id)
    if f is None:
        abort(404)
    response = Response(f.contenu, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{f.nom}"'
    return response


def fichiers_recents(limit: int = 20) -> list[FichierEchange]:
    return list(db.session.scalars(select(FichierEchange).order_by(FichierEchange.id.desc()).limit(limit)))
