"""Panels of common debtors (central administration): list, one panel's report and members,
compose from TOML criteria with a preview, save as draft, publish, close.

Built on ``mrf.services.panels``; the pages hide themselves when it is not installed."""

from __future__ import annotations

from types import ModuleType

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..services.admin import access, audit
from ..services.comptes.vue import explanation_table
from .access import role_required

bp = Blueprint("panels", __name__, url_prefix="/panels")

EXAMPLE = """name = "auxerre-2027"
configuration = 1
products = ["amendes", "impots"]
departements = ["89"]
min_total_cents = 10000
control_share = 0.3
seed = 1
"""
PER_PAGE = 100


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
    import panels as lib

    return isinstance(exc, (lib.PanelError, service.PanelNotFound, service.PanelServiceError, ValueError))


@bp.route("")
@role_required(*access.PANEL_ROLES)
def index():
    service = _service()
    return render_template("panels/index.html", panels=service.list_panels())


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(*access.PANEL_ROLES)
def new():
    service = _service()
    criteria = request.form.get("criteres", EXAMPLE) if request.method == "POST" else EXAMPLE
    seed_text = (request.form.get("graine") or "").strip()
    preview = None
    error = None
    status = 200
    if request.method == "POST":
        seed = None
        if seed_text:
            try:
                seed = int(seed_text)
            except ValueError:
                error = "Graine illisible : un nombre entier positif est attendu."
        if error is None:
            action = request.form.get("action", "apercu")
            try:
                if action == "enregistrer":
                    panel = service.save_panel(criteria, seed, agent_id=current_user.id)
                    flash(f"Panel « {panel.name} » enregistré en brouillon.", "success")
                    return redirect(url_for("panels.show", name=panel.name))
                preview = service.preview_panel(criteria, seed).to_dict(include_members=False)
            except Exception as exc:
                if not _refusal(service, exc):
                    raise
                error = str(exc)
        if error:
            status = 400
    return render_template("panels/new.html", criteria=criteria, seed=seed_text, preview=preview, error=error,
                           balance=explanation_table(preview.get("balance")) if preview else None), status


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
    return render_template("panels/show.html", panel=panel, members=members, page=page,
                           has_next=page * PER_PAGE < len(panel["members"]),
                           balance=explanation_table(panel.get("balance")))


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
