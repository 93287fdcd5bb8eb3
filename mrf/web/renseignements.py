"""Renseignements added from the account page: a bank account (IBAN checked by python-stdnum), an employer
(SIRET checked), an address — with their source and date. The plan reads them at once (next page load)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..services.admin import access
from ..services.comptes import worklist
from ..services.errors import ErreurService
from ..services.poursuites.perimetre import RefusTraitement
from ..services.poursuites.renseignements import add_renseignement
from ..services.poursuites.vocabulaire import SOURCE_RENSEIGNEMENT_LABELS
from .access import redevable_or_404, role_required

bp = Blueprint("renseignements", __name__)

KINDS = {"banque": "Compte bancaire", "employeur": "Employeur", "adresse": "Adresse"}
SOURCES = SOURCE_RENSEIGNEMENT_LABELS
RELIABILITIES = {"declaree": "Déclarée", "confirmee": "Confirmée", "ancienne": "Ancienne"}


class RenseignementForm(FlaskForm):
    nature = SelectField("Nature", choices=KINDS)
    nom = StringField("Établissement ou raison sociale", validators=[Optional(), Length(max=200)])
    iban = StringField("IBAN (compte bancaire)", validators=[Optional(), Length(max=42)])
    bic = StringField("BIC (facultatif)", validators=[Optional(), Length(max=11)])
    siret = StringField("SIRET (employeur)", validators=[Optional(), Length(max=17)])
    voie = StringField("Voie (adresse)", validators=[Optional(), Length(max=200)])
    code_postal = StringField("Code postal", validators=[Optional(), Length(max=5)])
    commune = StringField("Commune", validators=[Optional(), Length(max=100)])
    source = SelectField("Source", choices=SOURCES)
    fiabilite = SelectField("Fiabilité", choices=RELIABILITIES)
    observe_le = DateField("Date de l'information", validators=[DataRequired("Date illisible ou absente.")])


@bp.route("/redevables/<int:redevable_id>/renseignements/nouveau", methods=["GET", "POST"])
@role_required(*access.ACTION_ROLES)
def add(redevable_id: int):
    r = redevable_or_404(db.session, current_user, redevable_id)
    form = RenseignementForm()
    status = 200
    if request.method == "GET":
        form.observe_le.data = date.today()
    elif form.validate_on_submit():
        fields = {"name": form.nom.data or None, "iban": form.iban.data or None, "bic": form.bic.data or None,
                  "siret": form.siret.data or None, "voie": form.voie.data or None,
                  "code_postal": form.code_postal.data or None, "commune": form.commune.data or None}
        try:
            added = add_renseignement(r.id, form.nature.data, observed_on=form.observe_le.data,
                                      agent_id=current_user.id, source=form.source.data,
                                      reliability=form.fiabilite.data, **fields)
        except ErreurService as exc:
            if isinstance(exc, RefusTraitement):
                raise  # panel's scope: error page with its reason, 403 (mrf.web.errors)
            flash(f"Renseignement non enregistré : {exc}", "error")
            status = 422
        else:
            worklist.sync_if_needed()
            flash(f"Renseignement n° {added.id} enregistré ({KINDS[added.kind].lower()}) : le plan en tient compte.",
                  "success")
            return redirect(url_for("accounts.show", redevable_id=r.id, _anchor="plan"))
    else:
        flash("Renseignement non enregistré : corrigez les champs signalés.", "error")
        status = 400
    return render_template("decisions/renseignement.html", r=r, form=form), status
