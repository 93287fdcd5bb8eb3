"""Panels of common debtors (central administration): list, one panel's report and members,
compose from a form (or a TOML file that fills it) with a preview, save as draft, publish, close,
download the criteria as TOML, assign the « à affecter » members, decide reassignment proposals.

Thin views: parse the form, call ``mrf.services.panels``, render."""

from __future__ import annotations

from types import ModuleType

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

import panels as lib

from ..services.admin import access, audit
from ..services.errors import ErreurService
from ..services.panels import affectation, apercu, reaffectation
from .access import role_required
from .panel_forms import MultiCheckboxField, PanelForm, others_toml

bp = Blueprint("panels", __name__, url_prefix="/panels")

PER_PAGE = 100
MAX_TOML = 100_000


def panel_service() -> ModuleType | None:
    try:
        from ..services.panels import composition as panels
    except ImportError:
        return None
    return panels


def _service() -> ModuleType:
    service = panel_service()
    if service is None:
        abort(404)
    return service


def _refusal(service: ModuleType, exc: Exception) -> bool:
    return isinstance(exc, (lib.PanelError, service.PanelNotFound, service.PanelServiceError, ErreurService,
                            ValueError))


class AssignForm(FlaskForm):
    redevables = MultiCheckboxField("Redevables à affecter", coerce=int, validators=[
        DataRequired("Choisissez au moins un redevable.")])
    structure = SelectField("Structure retenue", validators=[DataRequired("Choisissez une structure.")])
    motif = TextAreaField("Motif", validators=[DataRequired("Le motif est obligatoire."), Length(max=2000)])


class DecisionForm(FlaskForm):
    decision = RadioField("Décision", choices={"accepter": "Accepter", "refuser": "Refuser"},
                          validators=[DataRequired("Choisissez accepter ou refuser.")])
    structure = StringField("Autre structure (facultatif, si acceptée)", validators=[Optional(), Length(max=32)])
    motif = TextAreaField("Motif", validators=[DataRequired("Le motif est obligatoire."), Length(max=2000)])


def _read_toml(form: PanelForm) -> str | None:
    """The TOML text of an import: the uploaded file, else the pasted text (None when neither)."""
    upload = form.fichier.data
    if upload is not None and getattr(upload, "filename", ""):
        raw = upload.read(MAX_TOML + 1)
        if len(raw) > MAX_TOML:
            raise lib.CriteriaError([("", f"fichier de critères trop volumineux (plus de {MAX_TOML} octets)")])
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise lib.CriteriaError([("", "le fichier de critères n'est pas encodé en UTF-8")]) from None
    text = (form.criteres.data or "").strip()
    return text or None


@bp.route("")
@role_required(*access.PANEL_ROLES)
def index():
    service = _service()
    return render_template("panels/index.html", panels=service.list_panels())


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(*access.PANEL_ROLES)
def new():
    service = _service()
    form = PanelForm()
    if request.method == "GET":
        form.produits.data = ["amendes", "impots"]
    preview, error, warning, status = None, None, None, 200
    action = request.form.get("action", "apercu")
    if request.method == "POST" and action == "importer":
        try:
            text = _read_toml(form)
            if text is None:
                raise lib.CriteriaError([("", "aucun fichier ni texte TOML fourni")])
            form.fill(lib.parse_criteria(text), others_toml(text))
            form.criteres.data = ""
            flash("Critères importés : vérifiez le formulaire puis prévisualisez.", "success")
        except lib.CriteriaError as exc:
            error, status = str(exc), 400
    elif request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                criteria = lib.criteria_from_mapping(form.to_mapping())
                text = lib.criteria_to_toml(criteria)
                if action == "enregistrer":
                    panel = service.save_panel(text, agent_id=current_user.id)
                    flash(f"Panel « {panel.name} » enregistré en brouillon.", "success")
                    return redirect(url_for("panels.show", name=panel.name))
                result = service.preview_panel(text)
                preview = result.to_dict(include_members=False)
                warning = apercu.overlap_message(apercu.overlaps([m.redevable_id for m in result.members],
                                                                 excluding=criteria.name))
            except lib.CriteriaError as exc:
                rest = form.show_problems(exc.problems)
                error, status = ("\n".join(rest) if rest else None), 400
            except Exception as exc:
                if not _refusal(service, exc):
                    raise
                error, status = str(exc), 400
    return render_template("panels/new.html", form=form, preview=preview, error=error, warning=warning,
                           balance=apercu.balance_in_words(preview.get("balance")) if preview else None), status


@bp.route("/<name>")
@role_required(*access.PANEL_ROLES)
def show(name: str):
    service = _service()
    try:
        panel = service.show_panel(name)
    except service.PanelNotFound:
        abort(404)
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    members = panel["members"][(page - 1) * PER_PAGE: page * PER_PAGE]
    audit.record(current_user.id, "consultation_panel", "panel", name, ip=request.remote_addr)
    assign_form, pending = None, []
    if panel["status"] == lib.PanelState.PUBLISHED.value:
        pending = affectation.pending_manual(name)
        assign_form = _assign_form(panel["configuration"], pending)
    return render_template("panels/show.html", panel=panel, members=members, page=page,
                           has_next=page * PER_PAGE < len(panel["members"]), pending=pending,
                           assign_form=assign_form, balance=apercu.balance_in_words(panel.get("balance")))


def _assign_form(configuration: int, pending: list[dict]) -> AssignForm:
    form = AssignForm()
    form.redevables.choices = {e["redevable_id"]: f"n° {e['redevable_id']}" for e in pending}
    form.structure.choices = {"": "Choisir…", **dict(affectation.structure_choices(configuration))}
    return form


@bp.route("/<name>/criteres.toml")
@role_required(*access.PANEL_ROLES)
def criteria_toml(name: str):
    service = _service()
    try:
        panel = service.show_panel(name)
    except service.PanelNotFound:
        abort(404)
    audit.record(current_user.id, "export_criteres_panel", "panel", name, ip=request.remote_addr)
    return Response(panel["criteria_toml"], mimetype="application/toml",
                    headers={"Content-Disposition": f'attachment; filename="panel-{name}.toml"'})


@bp.route("/<name>/affectations", methods=["POST"])
@role_required(*access.PANEL_ROLES)
def assign(name: str):
    service = _service()
    try:
        panel = service.show_panel(name)
    except service.PanelNotFound:
        abort(404)
    form = _assign_form(panel["configuration"], affectation.pending_manual(name)
                        if panel["status"] == lib.PanelState.PUBLISHED.value else [])
    if not form.validate_on_submit():
        problems = [m for f in (form.redevables, form.structure, form.motif) for m in f.errors]
        flash("Affectation refusée : " + " ".join(problems or ["formulaire incomplet."]), "error")
        return redirect(url_for("panels.show", name=name))
    try:
        done = affectation.assign_members(name, form.redevables.data, form.structure.data, form.motif.data,
                                          agent_id=current_user.id)
    except ErreurService as exc:
        flash(str(exc), "error")
        return redirect(url_for("panels.show", name=name))
    flash(f"{len(done)} redevable(s) affecté(s) à {form.structure.data}.", "success")
    return redirect(url_for("panels.show", name=name))


@bp.route("/reaffectations")
@role_required(*access.PANEL_ROLES)
def reassignments():
    rows = reaffectation.list_proposals()
    return render_template("panels/reassignments.html", rows=rows, form=DecisionForm())


@bp.route("/reaffectations/<int:proposal_id>", methods=["POST"])
@role_required(*access.PANEL_ROLES)
def decide(proposal_id: int):
    form = DecisionForm()
    if not form.validate_on_submit():
        problems = [m for f in (form.decision, form.motif) for m in f.errors]
        flash("Décision refusée : " + " ".join(problems or ["formulaire incomplet."]), "error")
        return redirect(url_for("panels.reassignments"))
    try:
        other = (form.structure.data or "").strip() or None
        done = reaffectation.decide(proposal_id, form.decision.data == "accepter", form.motif.data,
                                    agent_id=current_user.id, structure_code=other)
    except ErreurService as exc:
        if exc.status == 404:
            abort(404)
        flash(str(exc), "error")
        return redirect(url_for("panels.reassignments"))
    flash(f"Proposition {proposal_id} {reaffectation.DECISIONS[done['decision']]}.", "success")
    return redirect(url_for("panels.reassignments"))


@bp.route("/<name>/publier", methods=["POST"])
@role_required(*access.PANEL_ROLES)
def publish(name: str):
    service = _service()
    try:
        service.publish_panel(name, agent_id=current_user.id)
    except service.PanelNotFound:
        abort(404)
    except Exception as exc:
        if not _refusal(service, exc):
            raise
        flash(str(exc), "error")
        return redirect(url_for("panels.show", name=name))
    flash(f"Panel « {name} » publié : les redevables traités sont affectés à leur structure.", "success")
    return redirect(url_for("panels.show", name=name))


@bp.route("/<name>/cloturer", methods=["POST"])
@role_required(*access.PANEL_ROLES)
def close(name: str):
    service = _service()
    if not hasattr(service, "close_panel"):
        abort(404)
    try:
        service.close_panel(name, agent_id=current_user.id)
    except service.PanelNotFound:
        abort(404)
    except Exception as exc:
        if not _refusal(service, exc):
            raise
        flash(str(exc), "error")
        return redirect(url_for("panels.show", name=name))
    flash(f"Panel « {name} » clos : retour au circuit habituel.", "success")
    return redirect(url_for("panels.show", name=name))
