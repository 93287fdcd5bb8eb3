"""Dashboard of aggregates (evaluators, central administration): never an identity."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from markupsafe import Markup

from ..extensions import db
from ..services.admin import access
from ..services.pilotage import tableau_de_bord as service
from .access import role_required

bp = Blueprint("dashboard", __name__, url_prefix="/tableau-de-bord")


@bp.route("")
@role_required(*access.DASHBOARD_ROLES)
def index():
    data = service.load(db.session)
    chart = Markup(service.recovery_chart([*data.by_product, data.total], "Taux de recouvrement par produit"))
    return render_template("dashboard/index.html", data=data, chart=chart, rate=service.rate_text)


@bp.route("/recouvrement.svg")
@role_required(*access.DASHBOARD_ROLES)
def chart():
    data = service.load(db.session)
    svg = service.recovery_chart([*data.by_product, data.total], "Taux de recouvrement par produit")
    return Response(svg, mimetype="image/svg+xml")
