"""Evaluation pages (central administration, evaluators): per panel, treated against control,
per product, over time — the comparison table in words and euros, the curves as SVG charts, each
chart downloadable as SVG and each table as CSV. Aggregates only: never an identity."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from markupsafe import Markup

from ..services.admin import access
from ..services.evaluation import export, graphiques, graphiques_png
from ..services.evaluation import service as evaluation_service
from .access import role_required

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")


def _entries(result: dict) -> list[dict]:
    return [*result["products"], *([result["pooled"]] if result.get("pooled") else [])]


def _entry(result: dict, product: str) -> dict:
    for entry in _entries(result):
        if entry["product"] == product:
            return entry
    abort(404)


def _download(text: str, mimetype: str, filename: str) -> Response:
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("")
@role_required(*access.DASHBOARD_ROLES)
def index():
    return render_template("evaluation/index.html", panels=evaluation_service.evaluated_panels())


@bp.route("/<name>")
@role_required(*access.DASHBOARD_ROLES)
def show(name: str):
    result = evaluation_service.evaluate_panel(name)
    charts = {e["product"]: Markup(graphiques.curve_chart(e, f"courbe-{e['product']}")) for e in _entries(result)}
    differences = Markup(graphiques.difference_chart(_entries(result))) if result["products"] else None
    return render_template("evaluation/show.html", result=result, entries=_entries(result), charts=charts,
                           differences=differences)


@bp.route("/<name>/courbe-<product>.svg")
@role_required(*access.DASHBOARD_ROLES)
def curve_svg(name: str, product: str):
    entry = _entry(evaluation_service.evaluate_panel(name), product)
    return _download(graphiques.curve_chart(entry), "image/svg+xml", f"evaluation-{name}-courbe-{product}.svg")


@bp.route("/<name>/courbe-<product>.png")
@role_required(*access.DASHBOARD_ROLES)
def curve_png(name: str, product: str):
    entry = _entry(evaluation_service.evaluate_panel(name), product)
    response = Response(graphiques_png.curve_png(entry), mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="evaluation-{name}-courbe-{product}.png"'
    return response


@bp.route("/<name>/ecarts.svg")
@role_required(*access.DASHBOARD_ROLES)
def differences_svg(name: str):
    result = evaluation_service.evaluate_panel(name)
    return _download(graphiques.difference_chart(_entries(result)), "image/svg+xml", f"evaluation-{name}-ecarts.svg")


@bp.route("/<name>/tableau.csv")
@role_required(*access.DASHBOARD_ROLES)
def table_csv(name: str):
    result = evaluation_service.evaluate_panel(name)
    return _download(export.table_csv(result), "text/csv", f"evaluation-{name}-tableau.csv")


@bp.route("/<name>/courbes.csv")
@role_required(*access.DASHBOARD_ROLES)
def curves_csv(name: str):
    result = evaluation_service.evaluate_panel(name)
    return _download(export.curves_csv(result), "text/csv", f"evaluation-{name}-courbes.csv")
