"""Review of uncertain identity matches: pairs side by side, one decision per pair, undo (central administration)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..services.admin import access, lectures
from ..services.identite import motifs
from ..services.identite import revue as service
from .access import role_required

bp = Blueprint("review", __name__)


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        return 1


@bp.route("/revue")
@role_required(*access.REVIEW_ROLES)
def queue():
    page = _page()
    items, total = service.page(db.session, page)
    lectures.file_de_revue(current_user.id, page, (item.pair.id for item in items), request.remote_addr)
    recent = service.recent_decisions(db.session, 5)
    return render_template("review/queue.html", items=items, total=total, page=page,
                           has_next=page * service.PER_PAGE < total, decisions=service.DECISIONS, recent=recent,
                           sources=motifs.SOURCES)


@bp.route("/revue/<int:pair_id>", methods=["POST"])
@role_required(*access.REVIEW_ROLES)
def decide(pair_id: int):
    decision = request.form.get("decision", "")
    comment = (request.form.get("commentaire") or "")[:2000]
    try:
        service.decide(pair_id, decision, comment, current_user.id, request.remote_addr)
    except service.ReviewError as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.queue", page=request.args.get("page", 1)))
    flash(f"Décision enregistrée et appliquée aux comptes ({service.DECISIONS[decision].lower()}).", "success")
    return redirect(url_for("review.queue", page=request.args.get("page", 1)))


@bp.route("/revue/decision/<int:decision_id>/annuler", methods=["POST"])
@role_required(*access.REVIEW_ROLES)
def undo(decision_id: int):
    try:
        service.undo(decision_id, current_user.id, request.remote_addr)
    except service.ReviewError as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.queue"))
    flash("Décision annulée : les comptes sont rétablis et la paire revient dans la file.", "success")
    return redirect(url_for("review.queue"))
