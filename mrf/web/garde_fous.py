"""Legal guards on the account page (issue 19): the debtor's situations (recorded by a comptable), the
mainlevées the product proposes once the sums seized cover the debt, and the preview of a payment
(what will be imputed, what will be refunded) before the agent confirms it. Thin views: parse, call a
service, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..services.admin import access
from ..services.comptes import situations as comptes_situations
from ..services.comptes.vue import AccountView
from ..services.errors import ErreurService
from ..services.poursuites import paiements, situations, surcouverture
from .access import redevable_or_404, role_required
from .accounts import PaymentForm
from .formulaires import messages

bp = Blueprint("garde_fous", __name__)

KINDS = {k: situations.libelle(k).capitalize() for k in situations.KINDS}


class SituationForm(FlaskForm):
    nature = SelectField("Situation", choices=KINDS)
    date_situation = DateField("Date (recevabilité, jugement, décès)",
                               validators=[DataRequired("Date illisible ou absente.")])
    reference = StringField("Référence du dossier ou du jugement", validators=[Optional(), Length(max=64)])
    fin = DateField("Date de fin (facultatif)", validators=[Optional()])


class MainleveeForm(FlaskForm):
    acte = HiddenField(validators=[DataRequired()])


def panel(redevable_id: int, account: AccountView) -> dict[str, Any]:
    """What the account page shows of the legal guards (situations, mainlevées proposed on the account the
    page has loaded). A témoin seen by one office: the whole account's proposals, as recording computes
    them, on the SATD that office sees only."""
    try:
        if account.visible_acte_ids is not None:
            proposed = [m for m in surcouverture.mainlevees_proposees(redevable_id)
                        if int(m.acte_id) in account.visible_acte_ids]
        else:
            proposed = surcouverture.mainlevees_du_compte(account.charge)
    except ErreurService:
        proposed = []
    return {"situations": situations.situations_of(redevable_id), "mainlevees": proposed,
            "libelle": situations.libelle, "situation_form": SituationForm(prefix="situation"),
            "mainlevee_form": MainleveeForm(prefix="mainlevee"),
            "can_record_situation": current_user.role == access.COMPTABLE,
            "can_release": current_user.role in access.ACTION_ROLES}


def situation_badges(rows: list[Any]) -> dict[int, list[str]]:
    """Labels of the situations in force per work-list row (one query for the page)."""
    ids = [row.redevable_id for row in rows]
    if not ids:
        return {}
    found = comptes_situations.labels_in_force(db.session, ids, date.today())
    return {rid: [situations.libelle(k) for k in kinds] for rid, kinds in found.items()}


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"garde_fous_panel": panel, "situation_badges": situation_badges}


def _back(redevable_id: int, anchor: str):  # noqa: ANN202
    return redirect(url_for("accounts.show", redevable_id=redevable_id, _anchor=anchor))


@bp.route("/redevables/<int:redevable_id>/situations", methods=["POST"])
@role_required(access.COMPTABLE)
def add_situation(redevable_id: int):
    redevable = redevable_or_404(db.session, current_user, redevable_id)
    form = SituationForm(prefix="situation")
    if not form.validate_on_submit():
        flash("Situation non enregistrée : " + messages(form), "error")
        return _back(redevable.id, "situations")
    try:
        row = situations.add_situation(redevable.id, form.nature.data, form.date_situation.data,
                                       form.reference.data or "", ended_on=form.fin.data, agent_id=current_user.id)
    except ErreurService as exc:
        flash(f"Situation non enregistrée : {exc}", "error")
        return _back(redevable.id, "situations")
    flash(f"Situation enregistrée : {situations.libelle(row.kind)}.", "success")
    return _back(redevable.id, "situations")


@bp.route("/redevables/<int:redevable_id>/mainlevees", methods=["POST"])
@role_required(*access.ACTION_ROLES)
def record_mainlevee(redevable_id: int):
    redevable = redevable_or_404(db.session, current_user, redevable_id)
    form = MainleveeForm(prefix="mainlevee")
    if not form.validate_on_submit() or not (form.acte.data or "").isdigit():
        flash("Mainlevée non enregistrée : SATD non indiquée.", "error")
        return _back(redevable.id, "situations")
    try:
        done = surcouverture.record_proposed_mainlevee(redevable.id, int(form.acte.data), current_user.id)
    except ErreurService as exc:
        flash(f"Mainlevée non enregistrée : {exc}", "error")
        return _back(redevable.id, "situations")
    flash(f"Mainlevée de la SATD n° {done.satd_id} enregistrée (acte n° {done.acte_id}) — courriers "
          f"{', '.join(done.documents)}.", "success")
    return _back(redevable.id, "chronologie")


@bp.route("/redevables/<int:redevable_id>/paiements/apercu", methods=["POST"])
@role_required(*access.ACTION_ROLES)
def preview_payment(redevable_id: int):
    """What the payment will impute and what it leaves to refund; the agent then confirms it."""
    redevable = redevable_or_404(db.session, current_user, redevable_id)
    form = PaymentForm(prefix="paiement")
    if not form.validate_on_submit():
        flash("Paiement non enregistré : " + messages(form), "error")
        return _back(redevable.id, "paiement")
    try:
        imputation = paiements.preview_payment(redevable.id, form.montant.cents, form.recu_le.data,
                                               form.payeur.data, agent_id=current_user.id)
    except ErreurService as exc:
        flash(f"Paiement non enregistré : {exc}", "error")
        return _back(redevable.id, "paiement")
    return render_template("garde_fous/apercu_paiement.html", r=redevable, form=form, imputation=imputation)
