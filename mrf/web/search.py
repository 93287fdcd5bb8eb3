"""Search for a consolidated account (only among those the user may see)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..extensions import db
from ..services.admin import access, audit
from ..services.comptes import recherche as service
from ..services.comptes import worklist
from .access import role_required
from .helpers import parse_date

bp = Blueprint("search", __name__)


@bp.route("/recherche")
@role_required(*access.IDENTITY_ROLES)
def search():
    args = request.args
    name = (args.get("nom") or "").strip()[:200]
    number = (args.get("numero") or "").strip()[:64]
    raw_date = (args.get("naissance") or "").strip()
    birth = parse_date(raw_date) if raw_date else None
    errors = []
    if raw_date and birth is None:
        errors.append("Date de naissance illisible : saisissez-la au format JJ/MM/AAAA.")
    criteria = service.SearchCriteria(name=name, birth_date=birth, number=number)
    hits = None
    sync_report = None
    if not criteria.empty and not errors:
        sync_report = worklist.sync_if_needed()
        if sync_report.mode != "aucune":
            db.session.rollback()  # end the request's read snapshot: see the refreshed entries
        hits = service.search(db.session, current_user, criteria)
        audit.record(current_user.id, "recherche", "recherche", None,
                     {"nom": name, "naissance": birth.isoformat() if birth else None, "numero": number,
                      "resultats": len(hits)}, ip=request.remote_addr)
    return render_template("search/index.html", hits=hits, name=name, number=number, raw_date=raw_date,
                           errors=errors, sync_report=sync_report)
