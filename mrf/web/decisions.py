"""Decisions of the job in the browser: the comptable's queue (requests to decide, ANV proposals), the ANV
proposal from the account page, mainlevée and letters previewed then confirmed, the ANV lists per creditor.

Thin views: parse the form, call one use case of ``mrf.services.poursuites``, render. The use cases check
role, structure and maker-checker themselves (the CLI gets the same refusals); a refusal is flashed in French,
an object of another structure answers 404."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..models import Acte, AnvProposition, AnvVerdict, Demande, Document, Renseignement
from ..services.admin import access
from ..services.comptes import worklist
from ..services.errors import ErreurService, Introuvable
from ..services.poursuites import anv, decisions, file_comptable, mainlevee, relances
from ..services.poursuites.demandes import latest_decision
from ..services.poursuites.perimetre import RefusTraitement
from .access import redevable_or_404, role_required
from .helpers import parse_euros

bp = Blueprint("decisions", __name__)

COMPTABLE_ONLY = frozenset({access.COMPTABLE})
REQUIRED = "Ce champ est obligatoire."
KIND_LABELS = {"plan_reglement": "Délais de paiement", "contestation": "Contestation",
               "remise_gracieuse": "Remise gracieuse"}
DECISIONS = {"acceptee": "Accorder / admettre", "refusee": "Rejeter", "retiree": "Constater le retrait"}
LETTERS = {"mise_en_demeure": "Mise en demeure de payer", "relance": "Lettre de relance"}


class RequestDecisionForm(FlaskForm):
    decision = SelectField("Décision", choices=DECISIONS)
    motif = TextAreaField("Motif (repris dans le courrier au redevable)",
                          validators=[DataRequired(REQUIRED), Length(max=2000)])
    montant = StringField("Remise partielle : montant remis (€, vide = totalité)", validators=[Optional()])
    decide_le = DateField("Date de la décision", validators=[DataRequired("Date illisible ou absente.")])


class AnvVerdictForm(FlaskForm):
    verdict = SelectField("Décision", choices={"admettre": "Admettre en non-valeur", "rejeter": "Rejeter"})
    motif = TextAreaField("Motif", validators=[DataRequired(REQUIRED), Length(max=2000)])


class AnvProposalForm(FlaskForm):
    motif = SelectField("Motif", choices=anv.MOTIFS)
    insolvabilite = TextAreaField("Insolvabilité constatée (pièce ou constat)",
                                  validators=[DataRequired(REQUIRED), Length(max=2000)])
    recherches = TextAreaField("Recherches effectuées (FICOBA, employeur, CAF…)",
                               validators=[DataRequired(REQUIRED), Length(max=2000)])


class ReleaseForm(FlaskForm):
    montant = StringField("Mainlevée partielle : montant levé (€, vide = mainlevée totale)", validators=[Optional()])
    motif = TextAreaField("Motif de la mainlevée", validators=[DataRequired(REQUIRED), Length(max=2000)])


class ConfirmForm(FlaskForm):
    confirm = HiddenField(default="1")


def _refused(exc: ErreurService, what: str) -> None:
    if isinstance(exc, Introuvable):
        abort(404)  # another structure's object: as if it did not exist
    flash(f"{what} : {exc}", "error")


# ---------------------------------------------------------------------------------- comptable's queue
@bp.app_context_processor
def _counts() -> dict:
    """What waits for the comptable, on every page he sees (home page included)."""
    if not current_user.is_authenticated or current_user.role != access.COMPTABLE:
        return {}
    q = file_comptable.queue(db.session, current_user)
    return {"a_decider": {"demandes": len(q.demandes), "anv": len(q.anv), "total": q.count}}


@bp.route("/comptable")
@role_required(*COMPTABLE_ONLY)
def queue():
    q = file_comptable.queue(db.session, current_user)
    forms = {}
    for d in q.demandes:
        f = RequestDecisionForm(prefix=f"d{d.id}", formdata=None)
        f.decide_le.data = date.today()
        if d.kind != "contestation":
            f.decision.choices = {k: v for k, v in DECISIONS.items() if k != "retiree"}
        forms[("d", d.id)] = f
    for p in q.anv:
        forms[("a", p.id)] = AnvVerdictForm(prefix=f"a{p.id}", formdata=None)
    return render_template("decisions/queue.html", q=q, forms=forms, kinds=KIND_LABELS, motifs=anv.MOTIFS)


@bp.route("/demandes/<int:request_id>/decision", methods=["POST"])
@role_required(*COMPTABLE_ONLY)
def decide_request(request_id: int):
    form = RequestDecisionForm(prefix=f"d{request_id}")
    if not form.validate_on_submit():
        flash("Décision non enregistrée : indiquez la décision, son motif et sa date.", "error")
        return redirect(url_for("decisions.queue"))
    amount = None
    if (form.montant.data or "").strip():
        amount = parse_euros(form.montant.data)
        if amount is None or amount <= 0:
            flash("Décision non enregistrée : montant de la remise illisible (par exemple « 150,00 »).", "error")
            return redirect(url_for("decisions.queue"))
    try:
        done = decisions.decide(request_id, form.decision.data, form.motif.data, current_user.id,
                                form.decide_le.data, amount)
    except ErreurService as exc:
        if isinstance(exc, RefusTraitement):
            raise  # panel's scope: error page with its reason, 403 (mrf.web.errors)
        _refused(exc, "Décision non enregistrée")
        return redirect(url_for("decisions.queue"))
    worklist.sync_if_needed()
    flash(f"Décision enregistrée sur la demande n° {request_id} : {decisions.STATUS_LABELS[done.status]} — "
          f"courrier n° {done.document_number}.", "success")
    return redirect(url_for("decisions.queue"))


@bp.route("/anv/<int:proposal_id>/decision", methods=["POST"])
@role_required(*COMPTABLE_ONLY)
def decide_anv(proposal_id: int):
    form = AnvVerdictForm(prefix=f"a{proposal_id}")
    if not form.validate_on_submit():
        flash("Décision non enregistrée : indiquez la décision et son motif.", "error")
        return redirect(url_for("decisions.queue"))
    try:
        verdict = anv.decide(proposal_id, form.verdict.data == "admettre", form.motif.data, current_user.id)
    except ErreurService as exc:
        _refused(exc, "Décision non enregistrée")
        return redirect(url_for("decisions.queue"))
    worklist.sync_if_needed()
    flash(f"Proposition d'ANV n° {proposal_id} {'admise' if verdict.accepted else 'rejetée'}.", "success")
    return redirect(url_for("decisions.queue"))


# ---------------------------------------------------------------------------------- ANV
@bp.route("/redevables/<int:redevable_id>/anv", methods=["GET", "POST"])
@role_required(*access.ACTION_ROLES)
def propose_anv(redevable_id: int):
    r = redevable_or_404(db.session, current_user, redevable_id)
    form = AnvProposalForm()
    if form.validate_on_submit():
        try:
            prop = anv.propose(r.id, form.motif.data, form.insolvabilite.data, form.recherches.data, current_user.id)
        except ErreurService as exc:
            if isinstance(exc, RefusTraitement):
                raise  # panel's scope: error page with its reason, 403 (mrf.web.errors)
            _refused(exc, "Proposition non enregistrée")
        else:
            flash(f"Proposition d'admission en non-valeur n° {prop.id} transmise au comptable "
                  f"({len(prop.creance_ids)} créance(s)).", "success")
            return redirect(url_for("accounts.show", redevable_id=r.id, _anchor="decisions"))
    elif request.method == "POST":
        flash("Proposition non enregistrée : indiquez le motif, l'insolvabilité constatée et les recherches.", "error")
    return render_template("decisions/anv_proposal.html", r=r, form=form), 200 if request.method == "GET" else 400


@bp.route("/anv/liste")
@role_required(*access.ACTION_ROLES)
def anv_list():
    creditor = (request.args.get("creancier") or "").strip() or None
    fmt = request.args.get("format", "html")
    lines = anv.listing(db.session, current_user, creditor)
    suffix = f"-{creditor}" if creditor else ""
    if fmt == "csv":
        return Response(anv.to_csv(lines), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="anv{suffix}.csv"'})
    if fmt == "pdf":
        return Response(anv.to_pdf(lines, creditor, date.today()), mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="anv{suffix}.pdf"'})
    creditors = sorted({(x.creditor_code, x.creditor_name) for x in anv.listing(db.session, current_user)})
    return render_template("decisions/anv_list.html", lines=lines, creditor=creditor, creditors=creditors)


# ---------------------------------------------------------------------------------- mainlevée
@bp.route("/redevables/<int:redevable_id>/actes/<int:acte_id>/mainlevee", methods=["GET", "POST"])
@role_required(*access.ACTION_ROLES)
def release(redevable_id: int, acte_id: int):
    session = db.session
    r = redevable_or_404(session, current_user, redevable_id)
    family = worklist_family(r.id)
    acte = session.get(Acte, acte_id)
    if acte is None or acte.redevable_id not in family:
        abort(404)
    form = ReleaseForm()
    if form.validate_on_submit():
        partial = None
        if (form.montant.data or "").strip():
            partial = parse_euros(form.montant.data)
            if partial is None or partial <= 0:
                flash("Mainlevée non enregistrée : montant illisible (par exemple « 150,00 »).", "error")
                return redirect(url_for("decisions.release", redevable_id=r.id, acte_id=acte.id))
        try:
            done = mainlevee.release(acte.id, current_user.id, form.motif.data, partial_cents=partial)
        except ErreurService as exc:
            _refused(exc, "Mainlevée non enregistrée")
            return redirect(url_for("decisions.release", redevable_id=r.id, acte_id=acte.id))
        worklist.sync_if_needed()
        flash(f"Mainlevée {'partielle' if done.partial else 'totale'} enregistrée (acte n° {done.acte_id}) : "
              f"courriers {', '.join(done.documents)}.", "success")
        return redirect(url_for("accounts.show", redevable_id=r.id, _anchor="documents"))
    status = 200
    if request.method == "POST":
        flash("Mainlevée non enregistrée : indiquez son motif.", "error")
        status = 400
    tiers = session.get(Renseignement, acte.renseignement_id) if acte.renseignement_id else None
    numbers = [n for (n,) in session.execute(select(Document.number).where(Document.acte_id == acte.id))]
    ended = session.scalar(select(Acte).where(Acte.cancels_id == acte.id).limit(1))
    return render_template("decisions/mainlevee.html", r=r, acte=acte, tiers=tiers, numbers=numbers, ended=ended,
                           held=mainlevee.held(session, acte), form=form), status


def worklist_family(redevable_id: int) -> set[int]:
    from ..services.comptes import vue

    return set(vue.family_ids(db.session, redevable_id))


# ---------------------------------------------------------------------------------- letters
@bp.route("/redevables/<int:redevable_id>/courriers/<kind>", methods=["GET", "POST"])
@role_required(*access.ACTION_ROLES)
def letter(redevable_id: int, kind: str):
    r = redevable_or_404(db.session, current_user, redevable_id)
    if kind not in LETTERS:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            acte_id, number = relances.issue(r.id, kind, current_user.id)
        except ErreurService as exc:
            if isinstance(exc, RefusTraitement):
                raise  # panel's scope: error page with its reason, 403 (mrf.web.errors)
            _refused(exc, f"{LETTERS[kind]} non émise")
            return redirect(url_for("accounts.show", redevable_id=r.id, _anchor="decisions"))
        worklist.sync_if_needed()
        flash(f"{LETTERS[kind]} émise : acte n° {acte_id}, courrier n° {number}.", "success")
        return redirect(url_for("accounts.show", redevable_id=r.id, _anchor="documents"))
    if request.method == "POST":
        abort(400)  # the confirmation form is a token only: refused means forged or expired
    try:
        preview = relances.preview(r.id, kind, current_user.id)
    except ErreurService as exc:
        _refused(exc, f"{LETTERS[kind]} impossible")
        return redirect(url_for("accounts.show", redevable_id=r.id, _anchor="decisions"))
    return render_template("decisions/apercu.html", r=r, preview=preview, form=form, kind=kind,
                           label=LETTERS[kind])


# ---------------------------------------------------------------------------------- SATD preview
@bp.route("/redevables/<int:redevable_id>/satd/apercu")
@role_required(*access.ACTION_ROLES)
def satd_preview(redevable_id: int):
    """The joint SATD the plan proposes for one tiers — tiers, créances, amounts — with the button that issues it."""
    from ..services.poursuites import actes
    from .accounts import SatdForm

    r = redevable_or_404(db.session, current_user, redevable_id)
    try:
        tiers_id = int(request.args.get("tiers", ""))
    except ValueError:
        abort(404)
    family = worklist_family(r.id)
    tiers = db.session.get(Renseignement, tiers_id)
    if tiers is None or tiers.redevable_id not in family:
        abort(404)
    plan = actes.build_plan(r.id, date.today())
    step = plan.step_for_tiers(tiers_id)
    if step is None:
        flash("Aucune SATD n'est prévue par le plan pour ce tiers aujourd'hui.", "error")
        return redirect(url_for("accounts.show", redevable_id=r.id, _anchor="plan"))
    creances = [plan.creances[str(c)] for c in step.creance_ids]
    return render_template("decisions/satd_apercu.html", r=r, step=step, tiers=tiers, creances=creances,
                           form=SatdForm(prefix="satd", formdata=None))


# ---------------------------------------------------------------------------------- account page section
@bp.app_template_global()
def decisions_du_compte(redevable_id: int) -> dict:
    """What the account page's « Décisions » section shows: requests and their status, ANV, SATD in force."""
    from ..services.comptes import vue

    session = db.session
    family = list(vue.family_ids(session, redevable_id))
    requests = []
    for d in session.scalars(select(Demande).where(Demande.redevable_id.in_(family)).order_by(Demande.id)):
        latest = latest_decision(session, d.id)
        requests.append((d, latest))
    proposals = []
    for p in session.scalars(select(AnvProposition).where(AnvProposition.redevable_id.in_(family))
                             .order_by(AnvProposition.id)):
        proposals.append((p, session.scalar(select(AnvVerdict).where(AnvVerdict.proposition_id == p.id))))
    ended = select(Acte.cancels_id).where(Acte.cancels_id.is_not(None))
    satd = []
    for a in session.scalars(select(Acte).where(Acte.redevable_id.in_(family), Acte.kind.in_(
            ("satd", "satd_banque", "satd_tiers")), ~Acte.id.in_(ended)).order_by(Acte.id)):
        numbers = [n for (n,) in session.execute(select(Document.number).where(Document.acte_id == a.id))]
        satd.append((a, numbers, mainlevee.held(session, a)))
    pending = session.scalar(select(func.count()).select_from(AnvProposition).where(
        AnvProposition.redevable_id.in_(family), ~AnvProposition.id.in_(select(AnvVerdict.proposition_id))))
    return {"requests": requests, "proposals": proposals, "satd": satd, "anv_pending": bool(pending),
            "fortune": anv.better_fortune(session, redevable_id), "kinds": KIND_LABELS,
            "statuses": decisions.STATUS_LABELS, "letters": LETTERS, "motifs": anv.MOTIFS}
