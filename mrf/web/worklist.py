"""The work list of the agent's structure (central administration: of a chosen structure)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..extensions import db
from ..services.admin import access, lectures
from ..services.comptes import priorite
from ..services.comptes import worklist as service
from ..services.comptes.liste import PRODUCT_LABELS
from ..services.panels.perimetre import GROUP_LABELS
from ..services.poursuites.prochaine_action import actions_du_jour
from .access import role_required
from .helpers import parse_date, parse_euros

bp = Blueprint("worklist", __name__)


def _int(value: str | None, default: int = 1) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def render_worklist():  # noqa: ANN201
    args = request.args
    session = db.session
    errors: list[str] = []
    structure_id = current_user.structure_id
    structures = []
    national = False
    if current_user.role == access.CENTRALE:
        structures = service.structure_options(session)
        national = args.get("structure") == "national"
        structure_id = _int(args.get("structure"), 0) or None
        if structure_id is not None and structure_id not in {s[0] for s in structures}:
            structure_id = None
    min_total = parse_euros(args.get("min")) if args.get("min") else None
    max_total = parse_euros(args.get("max")) if args.get("max") else None
    if args.get("min") and min_total is None:
        errors.append("Montant minimum illisible : saisissez par exemple « 150 » ou « 150,50 ».")
    if args.get("max") and max_total is None:
        errors.append("Montant maximum illisible : saisissez par exemple « 5000 ».")
    before = parse_date(args.get("prescription_avant")) if args.get("prescription_avant") else None
    if args.get("prescription_avant") and before is None:
        errors.append("Date de prescription illisible : saisissez une date au format JJ/MM/AAAA.")
    page = None
    query = None
    actions = {}
    sync_report = None
    if structure_id is not None or national:
        sync_report = service.sync_if_needed()
        if sync_report.mode != "aucune":
            session.rollback()  # end the request's read snapshot: see the refreshed entries
        query = service.WorklistQuery(
            structure_id=structure_id, sort=args.get("tri", "priorite"), product=args.get("produit") or None,
            min_total_cents=min_total, max_total_cents=max_total, prescription_before=before,
            pending_only=args.get("echeances") == "1", group=args.get("groupe") or None,
            deadline=args.get("echeance") or None,
            page=_int(args.get("page"))).normalised()
        page = service.fetch(session, query)
        # Every row's next action: stored for the day, or computed from the account's plan and stored.
        actions = actions_du_jour([row.redevable_id for row in page.rows], structure_id=structure_id)
        lectures.liste_de_travail(current_user.id, structure_id, query.page, (r.redevable_id for r in page.rows),
                                  request.remote_addr)
    return render_template("worklist/index.html", page=page, query=query, errors=errors, structures=structures,
                           structure_id="national" if national else structure_id, sorts=service.SORTS,
                           products=PRODUCT_LABELS, args=args, today=date.today(),
                           deadline_kinds=priorite.DEADLINE_KINDS, deadline_filters=priorite.DEADLINE_FILTERS,
                           actions=actions, groups=GROUP_LABELS, sync_report=sync_report)


@bp.route("/travail")
@role_required(*access.IDENTITY_ROLES)
def worklist():
    return render_worklist()
