"""Review of uncertain identity matches, side by side with their explanation (central administration)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..services.admin import access, lectures
from ..services.comptes import vue as account_view
from ..services.identite import revue as service
from .access import role_required

bp = Blueprint("review", __name__)

FIELDS = (
    ("source", "Source"), ("source_key", "Identifiant source"), ("numero_fiscal", "Numéro fiscal"),
    ("nom", "Nom"), ("nom_naissance", "Nom de naissance"), ("nom_usage", "Nom d'usage"), ("prenoms", "Prénoms"),
    ("sexe", "Sexe"), ("date_naissance", "Date de naissance"), ("date_naissance_brute", "Date de naissance reçue"),
    ("lieu_naissance", "Lieu de naissance"), ("numero_voie", "Numéro"), ("voie", "Voie"),
    ("code_postal", "Code postal"), ("commune", "Commune"), ("code_insee", "Code INSEE"),
)


@bp.route("/revue")
@role_required(*access.REVIEW_ROLES)
def queue():
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    pairs, total = service.pending(db.session, page)
    lectures.file_de_revue(current_user.id, page, (p.pair.id for p in pairs), request.remote_addr)
    items = [(p, account_view.explanation_table(p.pair.explanation)) for p in pairs]
    return render_template("review/queue.html", items=items, total=total, page=page, fields=FIELDS,
                           has_next=page * 20 < total, decisions=service.DECISIONS)


@bp.route("/revue/<int:pair_id>", methods=["POST"])
@role_required(*access.REVIEW_ROLES)
def decide(pair_id: int):
    decision = request.form.get("decision", "")
    comment = (request.form.get("commentaire") or "")[:2000]
    try:
        service.decide(pair_id, decision, comment, current_user.id, request.remote_addr)
    except LookupError:
        abort(404)
    except service.ReviewError as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.queue"))
    flash(f"Décision enregistrée ({service.DECISIONS[decision].lower()}) : elle sera appliquée au prochain "
          f"rapprochement.", "success")
    return redirect(url_for("review.queue"))
