"""The consolidated account: page, documents, and the forms that act on it (joint SATD, payment,
tiers' answer, debtor's request). Every view and every action is written to the audit log.

The plan, SATD, payment, answer and request rules belong to ``mrf.services.poursuites``, called
directly; a refusal (``mrf.services.errors.ErreurService``) is shown to the agent in French. The
service writes each action and its audit entry in one transaction; this module audits consultations
and downloads."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from poursuites.model import date_fr

from ..extensions import db
from ..models import Acte, Document, Renseignement
from ..services.admin import access, audit
from ..services.comptes import temoin, worklist
from ..services.comptes import vue as view_service
from ..services.errors import ErreurService
from ..services.panels.perimetre import scope_of
from ..services.poursuites import actes, demandes, paiements
from ..services.poursuites.perimetre import RefusTraitement
from ..services.poursuites.plan import plan_for
from ..services.poursuites.vocabulaire import MOYEN_PAIEMENT_LABELS
from .access import redevable_or_404, role_required
from .decisions import decisions_du_compte
from .formulaires import DatePassee, Formulaire, Identifiant, Montant
from .helpers import euros

bp = Blueprint("accounts", __name__)

PAYERS = {"redevable": "Le redevable", "tiers": "Un tiers détenteur",
          "huissier": "Un commissaire de justice"}
MEANS = {code: label for code, label in MOYEN_PAIEMENT_LABELS.items() if not code.startswith("cj_")}
ANSWERS = {"positive": "Positive : sommes détenues", "pas_de_compte": "Pas de compte",
           "pas_de_salaire": "Pas de salaire", "deja_saisi": "Déjà saisi", "autre": "Autre"}
REQUESTS = {"plan_reglement": "Plan de règlement", "contestation": "Contestation",
            "remise_gracieuse": "Remise gracieuse"}
REQUIRED = "Ce champ est obligatoire."


class PaymentForm(Formulaire):
    montant = StringField("Montant reçu (€)", validators=[DataRequired(REQUIRED), Montant()])
    recu_le = DateField("Date de réception", validators=[DataRequired("Date illisible ou absente."),
                                                         DatePassee("La date de réception")])
    payeur = SelectField("Payé par", choices=PAYERS)
    moyen = SelectField("Moyen de paiement", choices=MEANS)
    reference = StringField("Référence (facultatif)", validators=[Optional(), Length(max=64)])


class TiersAnswerForm(Formulaire):
    acte = SelectField("SATD concernée", coerce=int)
    reponse = SelectField("Réponse du tiers", choices=ANSWERS)
    montant = StringField("Montant déclaré (€)", validators=[Montant(zero_permis=True, vide_permis=True)])
    repondu_le = DateField("Date de la réponse", validators=[DataRequired("Date illisible ou absente."),
                                                             DatePassee("La date de la réponse")])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequestForm(Formulaire):
    type_demande = SelectField("Nature de la demande", choices=REQUESTS)
    creances = MultiCheckboxField("Créances concernées", coerce=int)
    recue_le = DateField("Date de réception", validators=[DataRequired("Date illisible ou absente."),
                                                          DatePassee("La date de réception")])
    details = TextAreaField("Détails (motifs, échéancier proposé…)", validators=[Optional(), Length(max=4000)])
    sursis = BooleanField("Contestation : sursis de paiement demandé", default=True)
    nb_echeances = IntegerField("Nombre d'échéances proposées", validators=[
        Optional(), NumberRange(1, 120, "De 1 à 120 échéances.")])
    premiere_echeance = DateField("Première échéance", validators=[Optional()])


class SatdForm(Formulaire):
    renseignement = HiddenField(validators=[DataRequired(), Identifiant()])


def _load(redevable_id: int):  # noqa: ANN202
    session = db.session
    redevable = redevable_or_404(session, current_user, redevable_id)
    return session, redevable


def _office() -> int | None:
    """The viewer's structure when it is an agent or comptable of a structure: a témoin then shows only
    that office's créances (central administration sees the whole account)."""
    return current_user.structure_id if current_user.role in access.STRUCTURE_ROLES else None


def _forms(account: view_service.AccountView) -> dict[str, FlaskForm]:
    payment = PaymentForm(prefix="paiement")
    answer = TiersAnswerForm(prefix="reponse")
    answer.acte.choices = {a.id: f"{view_service.ACTE_LABELS.get(a.kind, a.kind)} du {date_fr(a.issued_on)}"
                           for a in account.open_satd}
    req = RequestForm(prefix="demande")
    req.creances.choices = {c.creance.id: f"{c.creance.reference} — {c.creance.nature}" for c in account.due_creances}
    if request.method == "GET":
        payment.recu_le.data = date.today()
        answer.repondu_le.data = date.today()
        req.recue_le.data = date.today()
    return {"paiement": payment, "reponse": answer, "demande": req, "satd": SatdForm(prefix="satd")}


def _render(redevable_id: int, forms: dict[str, FlaskForm] | None = None, status: int = 200):  # noqa: ANN202
    session, redevable = _load(redevable_id)
    if redevable.id != redevable_id:
        return redirect(url_for("accounts.show", redevable_id=redevable.id))
    today = date.today()
    account = view_service.load(session, redevable, today, office=_office())
    audit.record(current_user.id, "consultation", "redevable", redevable.id, ip=request.remote_addr)
    can_act = current_user.role in access.ACTION_ROLES
    plan, plan_error = None, None
    try:
        # the plan of the account the page has just loaded: no second load
        plan = plan_for(account.charge)
    except Exception as exc:  # noqa: BLE001 - the rest of the account stays readable
        current_app.logger.exception("Plan indisponible pour le redevable %s", redevable.id)
        plan_error = str(exc) or "erreur inattendue"
    the_forms = forms or _forms(account)
    if forms:  # re-rendering after a refused form: keep the choices of the account
        fresh = _forms(account)
        the_forms["reponse"].acte.choices = fresh["reponse"].acte.choices
        the_forms["demande"].creances.choices = fresh["demande"].creances.choices
    tiers_by_id = {str(r.id): r for r in account.renseignements}
    creance_by_id = {str(c.creance.id): c.creance for c in account.creances}
    explanations = [(v, view_service.explanation_table(v.explanation)) for v in account.variants]
    decisions = decisions_du_compte(redevable.id)
    if account.office is not None and account.visible_acte_ids is not None:  # a témoin seen by one office
        decisions = temoin.decisions_seen(decisions, set(account.charge.creances), account.visible_acte_ids)
    return render_template(
        "accounts/show.html", account=account, r=redevable, plan=plan, plan_error=plan_error, dc=decisions,
        has_plan=True, can_act=can_act, forms=the_forms, explanations=explanations,
        tiers_by_id=tiers_by_id, creance_by_id=creance_by_id, today=today,
        creance_options=[(c.creance.id, f"{c.creance.reference} — {c.creance.nature}") for c in account.due_creances],
        can_satd=can_act, can_pay=can_act, can_answer=can_act, can_request=can_act,
        labels={"product": view_service.PRODUCT_LABELS, "status": view_service.STATUS_LABELS,
                "renseignement": view_service.RENSEIGNEMENT_LABELS,
                "reliability": view_service.RELIABILITY_LABELS, "acte": view_service.ACTE_LABELS},
    ), status


@bp.route("/redevables/<int:redevable_id>")
@role_required(*access.IDENTITY_ROLES)
def show(redevable_id: int):
    return _render(redevable_id)


@bp.route("/redevables/<int:redevable_id>/documents/<int:document_id>.pdf")
@role_required(*access.IDENTITY_ROLES)
def document(redevable_id: int, document_id: int):
    session, redevable = _load(redevable_id)
    family = view_service.family_ids(session, redevable.id)
    doc = session.get(Document, document_id)
    if doc is None or doc.redevable_id not in family:
        abort(404)
    office = _office()
    if office is not None and scope_of(session, family).is_control:
        # a témoin: an office downloads only the documents its account page shows (about its créances)
        if doc.id not in {d.id for d in view_service.load(session, redevable, office=office).documents}:
            abort(404)
    audit.record(current_user.id, "telechargement", "document", doc.id,
                 {"redevable_id": redevable.id, "number": doc.number, "kind": doc.kind}, ip=request.remote_addr)
    response = Response(doc.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{doc.number}.pdf"'
    return response


def _after_action() -> None:
    worklist.sync_if_needed()


@bp.route("/redevables/<int:redevable_id>/satd", methods=["POST"])
@role_required(*access.ACTION_ROLES)
def issue_satd(redevable_id: int):
    session, redevable = _load(redevable_id)
    form = SatdForm(prefix="satd")
    if not form.validate_on_submit():
        abort(400)
    try:
        renseignement_id = int(form.renseignement.data)
    except ValueError:
        abort(400)
    family = view_service.family_ids(session, redevable.id)
    tiers = session.get(Renseignement, renseignement_id)
    if tiers is None or tiers.redevable_id not in family:
        abort(404)
    try:
        documents = actes.issue_satd(redevable.id, renseignement_id, current_user.id, date.today())
    except ErreurService as exc:
        flash(f"SATD non émise : {exc}", "error")
        return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="plan"))
    numbers = [d.number for d in documents]
    _after_action()
    flash(f"SATD conjointe émise : {len(numbers)} document(s) ({', '.join(numbers)}).", "success")
    return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="documents"))


@bp.route("/redevables/<int:redevable_id>/paiements", methods=["POST"])
@role_required(*access.ACTION_ROLES)
def record_payment(redevable_id: int):
    session, redevable = _load(redevable_id)
    form = PaymentForm(prefix="paiement")
    if not form.validate_on_submit():
        flash("Paiement non enregistré : corrigez les champs signalés.", "error")
        return _render(redevable.id, {**_blank_forms(), "paiement": form}, 400)
    cents = form.montant.cents
    try:
        paiements.record_payment(redevable.id, cents, form.recu_le.data, payer=form.payeur.data,
                                 agent_id=current_user.id, means=form.moyen.data,
                                 reference=form.reference.data or None)
    except ErreurService as exc:
        if isinstance(exc, RefusTraitement):
            raise  # panel's scope: error page with its reason, 403 (mrf.web.errors)
        flash(f"Paiement non enregistré : {exc}", "error")
        return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="paiement"))
    _after_action()
    flash(f"Paiement de {euros(cents)} enregistré et imputé.", "success")
    return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="creances"))


@bp.route("/redevables/<int:redevable_id>/reponses-tiers", methods=["POST"])
@role_required(*access.ACTION_ROLES)
def record_tiers_answer(redevable_id: int):
    session, redevable = _load(redevable_id)
    family = view_service.family_ids(session, redevable.id)
    form = TiersAnswerForm(prefix="reponse")
    form.acte.choices = {a.id: str(a.id) for a in session.scalars(select(Acte).where(Acte.redevable_id.in_(family)))}
    if not form.validate_on_submit():
        if form.acte.errors and request.form.get("reponse-acte"):
            abort(404)  # an act of another account: as if it did not exist
        flash("Réponse non enregistrée : corrigez les champs signalés.", "error")
        return _render(redevable.id, {**_blank_forms(), "reponse": form}, 400)
    acte = session.get(Acte, form.acte.data)
    if acte is not None and acte.amount_cents is not None and form.montant.cents > acte.amount_cents:
        form.montant.errors = [f"Le montant déclaré dépasse celui de la SATD ({euros(acte.amount_cents)}) : "
                               "un tiers ne verse pas plus que la somme saisie."]
        flash("Réponse non enregistrée : corrigez les champs signalés.", "error")
        return _render(redevable.id, {**_blank_forms(), "reponse": form}, 400)
    try:
        actes.record_tiers_answer(form.acte.data, form.reponse.data, form.montant.cents,
                                  answered_on=form.repondu_le.data, agent_id=current_user.id)
    except ErreurService as exc:
        flash(f"Réponse non enregistrée : {exc}", "error")
        return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="reponse"))
    _after_action()
    flash("Réponse du tiers détenteur enregistrée.", "success")
    return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="chronologie"))


@bp.route("/redevables/<int:redevable_id>/demandes", methods=["POST"])
@role_required(*access.ACTION_ROLES)
def record_request(redevable_id: int):
    session, redevable = _load(redevable_id)
    # the whole account: a créance of another office of a témoin is refused by the service, with its reason
    # and an audit entry, rather than answered as unknown
    account = view_service.load(session, redevable)
    form = RequestForm(prefix="demande")
    form.creances.choices = {c.creance.id: c.creance.reference for c in account.creances}
    if not form.validate_on_submit():
        if form.creances.errors and request.form.getlist("demande-creances"):
            abort(404)  # a créance of another account
        flash("Demande non enregistrée : corrigez les champs signalés.", "error")
        return _render(redevable.id, {**_blank_forms(), "demande": form}, 400)
    details = {"texte": form.details.data or "", "recue_le": form.recue_le.data.isoformat()}
    if form.type_demande.data == "contestation":
        details["sursis"] = bool(form.sursis.data)
    if form.type_demande.data == "plan_reglement" and form.nb_echeances.data:
        details["nb_echeances"] = form.nb_echeances.data
        if form.premiere_echeance.data:
            details["premiere_echeance"] = form.premiere_echeance.data.isoformat()
    creance_ids = list(form.creances.data) or [c.creance.id for c in account.due_creances]
    try:
        demandes.record_request(redevable.id, form.type_demande.data, creance_ids, details,
                                agent_id=current_user.id, received_on=form.recue_le.data,
                                grant=False)  # the comptable decides, from his queue
    except ErreurService as exc:
        if isinstance(exc, RefusTraitement):
            raise  # panel's scope: error page with its reason, 403 (mrf.web.errors)
        flash(f"Demande non enregistrée : {exc}", "error")
        return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="demande"))
    _after_action()
    flash("Demande du redevable enregistrée.", "success")
    return redirect(url_for("accounts.show", redevable_id=redevable.id, _anchor="chronologie"))


def _blank_forms() -> dict[str, FlaskForm]:
    return {"paiement": PaymentForm(prefix="paiement", formdata=None),
            "reponse": TiersAnswerForm(prefix="reponse", formdata=None),
            "demande": RequestForm(prefix="demande", formdata=None),
            "satd": SatdForm(prefix="satd", formdata=None)}
