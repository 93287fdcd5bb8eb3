"""Coordinated poursuites on a consolidated account: the application side of the ``poursuites``
library (entry point of the service; the web pages and the CLI call these functions).

- :func:`build_plan` — the coordinated plan on a date: steps (one joint SATD per tiers détenteur,
  then the other actions), every créance's reason, nearest prescription;
- :func:`issue_satd` — in one transaction: recompute the plan, take its SATD step for the tiers,
  write the act (``Acte`` + ``ActeLine`` per créance with its recourse text), the ``SatdLock``
  rows that make a second, concurrent issue fail cleanly, the two numbered PDF documents
  (notice to the tiers, notification to the debtor), an audit entry;
- :func:`annul_satd` — annulation (the SATD was void): a new act pointing to the SATD it ends; a
  mainlevée, total or partial, is :func:`mrf.services.poursuites.mainlevee.release` (with its letters);
- :func:`record_tiers_answer`, :func:`record_payment`, :func:`reverse_payment`,
  :func:`record_request`, :func:`decide_request`, :func:`propose_anv`, :func:`decide_anv`,
  :func:`add_renseignement`, :func:`address_proposals`.

Refusals raise :class:`PoursuitesError` (a ``ValueError``) or :class:`AccountNotFound` (a
``LookupError``) with a French message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from poursuites.anv import AnvProposal, MotifAnv
from poursuites.anv import propose_anv as library_propose_anv
from poursuites.model import Product, date_fr, euros
from poursuites.plan import PlanStep
from poursuites.satd import build_satd

from ...extensions import db
from ...models import Acte, ActeLine, Agent, AnvDecision, Document, SatdLock, Structure, TiersAnswer
from ..admin import audit
from ..comptes.consolide import (
    ANSWER_KINDS,
    ANY_SATD_KINDS,
    NEGATIVE_ANSWERS,
    AccountNotFound,
    CompteCharge,
    LockInfo,
    PoursuitesError,
    SatdDejaEnCours,
    comptable_view,
    load_account,
)
from ..errors import refus_des_bibliotheques
from .demandes import decide_request, record_request, refresh_payment_plans
from .documents import issue_satd_documents
from .garde_fous import refuse_unconfirmed_figures, refuse_unseizable_tiers, signed_by, situation_refusals
from .paiements import record_payment, reverse_payment
from .perimetre import RefusTraitement, refus_hors_perimetre, refuse_same_day_satd, steps_to_issue
from .plan import PlanView, plan_for
from .presentation import plan_text
from .renseignements import add_renseignement, address_proposals
from .vocabulaire import StatutAnv, TypeActe


# ---------------------------------------------------------------------------------- plan
@refus_des_bibliotheques(PoursuitesError)
def build_plan(redevable_id: int, today: date | None = None) -> PlanView:
    """The coordinated plan of the account on ``today`` (read only)."""
    today = today or date.today()
    with db.new_session() as session:
        return plan_for(load_account(session, redevable_id, today))


# ---------------------------------------------------------------------------------- SATD
def _recourse_text(line) -> str:  # noqa: ANN001 - poursuites.satd.SatdLine
    r = line.recours
    return f"{r.libelle} — délai : {r.delai}. {r.forme} {r.creance} ({r.base_legale})"


@refus_des_bibliotheques(PoursuitesError)
def issue_satd(redevable_id: int, renseignement_id: int, agent_id: int | None = None,
               today: date | None = None, structure_code: str | None = None) -> list[Document]:
    """Issue the joint SATD of the plan to the tiers ``renseignement_id`` (and the other accounts
    of the same bank): one act per comptable in charge (one when the account is assigned to a
    structure), each with its notice to the tiers and its notification to the debtor. Returns the
    documents, in order (tiers, debtor) per act.

    ``structure_code`` (by default the structure of the agent, when he has one) restricts the
    issue to that comptable: the account must be assigned to it, or, when it is assigned to none,
    only the créances that structure manages are covered."""
    today = today or date.today()
    try:
        rid = int(renseignement_id)
    except (TypeError, ValueError):
        raise PoursuitesError(f"Tiers détenteur inconnu : {renseignement_id}.") from None
    try:
        with db.transaction() as session:
            if structure_code is None and agent_id is not None:
                agent = session.get(Agent, agent_id)
                if agent is not None and agent.structure_id is not None:
                    structure_code = session.get(Structure, agent.structure_id).code
            account = load_account(session, redevable_id, today)
            refresh_payment_plans(session, account, today, agent_id)
            return _issue(session, account, rid, agent_id, structure_code)
    except RefusTraitement as refus:
        audit.record(agent_id, "refus_traitement", "redevable", refus.redevable_id,
                     {"action": "satd", "renseignement_id": rid, "structure": structure_code, "motif": str(refus)})
        raise


def _why_no_step(account: CompteCharge, view: PlanView, rid: int) -> Exception:
    r = account.renseignements.get(rid)
    if r is None or r.kind == "adresse":
        return PoursuitesError(f"Tiers détenteur inconnu pour ce compte : {rid}.")
    if rid in view.excluded_tiers:
        return PoursuitesError(f"Tiers détenteur écarté : {view.excluded_tiers[rid].rstrip('.')}.")
    group = {int(t.id) for t in account.tiers.values()
             if rid in account.tiers and t.group_key == account.tiers[rid].group_key}
    locked = sorted({lk.creance_id for lk in account.locks.values() if lk.renseignement_id in group})
    if locked:
        refs = ", ".join(account.creances[c].reference for c in locked)
        return SatdDejaEnCours(f"créance(s) {refs}")
    reasons = sorted(set(situation_refusals(account, rid))) or sorted(
        {d.reason for d in view.decisions.values() if not d.eligible})
    return PoursuitesError("Aucune créance de ce compte n'est éligible à une SATD auprès de ce tiers à cette date"
                           + (" : " + " ; ".join(reasons[:5]) if reasons else "."))


def _issue(session, account: CompteCharge, rid: int, agent_id: int | None,  # noqa: ANN001
           structure_code: str | None = None) -> list[Document]:
    refuse_unseizable_tiers(account, rid)
    view = plan_for(account)
    step = view.step_for_tiers(rid)
    if step is None:
        raise _why_no_step(account, view, rid)
    if structure_code is not None:
        step = view.step_for_tiers(rid, structure_code)
        if step is None:
            raise refus_hors_perimetre(account, view, structure_code)
        steps = [step]
    else:
        steps = steps_to_issue(account, view, rid)
    documents: list[Document] = []
    for step in steps:
        refuse_unconfirmed_figures(step, account.on)
        refuse_same_day_satd(account, view, step, rid)
        documents += _issue_step(session, account, step, rid, agent_id, structure_code)
    return documents


def _issue_step(session, account: CompteCharge, step: PlanStep, rid: int, agent_id: int | None,  # noqa: ANN001
                structure_code: str | None) -> list[Document]:
    today = account.on
    tiers = tuple(sorted(step.tiers, key=lambda t: t.id != str(rid)))  # the tiers asked first
    by_structure: dict[int, list[int]] = defaultdict(list)
    for cid in step.creance_ids:
        c = account.creances[int(cid)]
        comptable = account.comptable_for(c)
        if structure_code is None or comptable.code == structure_code:
            by_structure[comptable.id].append(c.id)
    if not by_structure:
        raise PoursuitesError(f"Aucune créance gérée par {structure_code} dans la SATD prévue pour ce tiers.")
    structures = {s.id: s for s in (account.comptable_for(account.creances[cids[0]]) for cids in by_structure.values())}
    documents: list[Document] = []
    for sid in sorted(by_structure, key=lambda s: structures[s].code):
        structure: Structure = structures[sid]
        cids = by_structure[sid]
        satd = build_satd(account.redevable_view, tiers, [account.views[c] for c in cids],
                          signed_by(session, comptable_view(structure, account.config.villes), agent_id), today)
        acte = Acte(
            redevable_id=account.id, kind=step.action.value, structure_id=structure.id, renseignement_id=rid,
            amount_cents=satd.total_cents, issued_on=today, agent_id=agent_id, status="emis",
            details={"action": step.action.value, "tiers": [int(t.id) for t in tiers], "groupe": tiers[0].group_key,
                     "montant": {"mode": satd.montant.mode, "amount_cents": satd.montant.amount_cents,
                                 "periodicite": satd.montant.periodicite},
                     "products": [p.value for p in satd.products]},
        )
        acte.lines = [ActeLine(creance_id=int(line.creance_id), amount_cents=line.amount_cents,
                               recourse=_recourse_text(line)) for line in satd.lines]
        session.add(acte)
        session.flush()
        keys = sorted((c, int(t.id)) for c in cids for t in tiers)
        session.add_all(SatdLock(creance_id=c, renseignement_id=r, generation=account.next_generation.get((c, r), 0),
                                 acte_id=acte.id) for c, r in keys)
        refs = ", ".join(account.creances[c].reference for c in cids)  # read now: a failed flush expires the rows
        try:
            session.flush()
        except IntegrityError as exc:
            if "satd_lock" in str(exc.orig).lower():
                raise SatdDejaEnCours(f"créance(s) {refs}") from None
            raise
        docs = issue_satd_documents(session, satd, structure, account.id, acte.id, agent_id)
        acte.details = {**acte.details, "documents": [d.number for d in docs]}
        session.flush()
        audit.add(session, agent_id, "satd", "redevable", account.id, {
            "acte_id": acte.id, "renseignement_id": rid, "action": step.action.value,
            "documents": [d.number for d in docs],
            "creance_ids": cids, "amount_cents": satd.total_cents})
        documents.extend(docs)
    return documents


@refus_des_bibliotheques(PoursuitesError)
def annul_satd(acte_id: int, on: date | None = None, agent_id: int | None = None, motif: str = "") -> Acte:
    """End a void SATD by an ``annulation`` act (it never interrupted prescription). A later SATD on the
    same créances and tiers is then possible. A mainlevée is ``mainlevee.release``, with its documents."""
    on = on or date.today()
    with db.transaction() as session:
        acte = session.get(Acte, int(acte_id))
        if acte is None or acte.kind not in ANY_SATD_KINDS:
            raise PoursuitesError(f"SATD inconnue : {acte_id}.")
        done = session.scalar(select(Acte).where(Acte.cancels_id == acte.id).limit(1))
        if done is not None:
            raise PoursuitesError(f"SATD déjà levée ou annulée (acte n° {done.id} du {date_fr(done.issued_on)}).")
        if on < acte.issued_on:
            raise PoursuitesError("L'annulation ne peut précéder la SATD.")
        new = Acte(redevable_id=acte.redevable_id, kind=TypeActe.ANNULATION.value, structure_id=acte.structure_id,
                   renseignement_id=acte.renseignement_id, amount_cents=acte.amount_cents, issued_on=on,
                   agent_id=agent_id, status="emis", cancels_id=acte.id, details={"motif": motif})
        new.lines = [ActeLine(creance_id=line.creance_id, amount_cents=line.amount_cents) for line in acte.lines]
        session.add(new)
        session.flush()
        audit.add(session, agent_id, TypeActe.ANNULATION.value, "acte", acte.id, {"acte_id": new.id, "motif": motif})
    return new


@refus_des_bibliotheques(PoursuitesError)
def record_tiers_answer(acte_id: int, kind: str, amount_cents: int = 0, answered_on: date | None = None,
                        agent_id: int | None = None, comment: str | None = None) -> TiersAnswer:
    """The tiers détenteur's answer to an SATD. A negative answer (no account, no salary) ends the
    SATD and keeps that tiers out of later plans until a newer renseignement."""
    answered_on = answered_on or date.today()
    if kind not in ANSWER_KINDS:
        raise PoursuitesError(f"Réponse inconnue : « {kind} » (attendu : {', '.join(ANSWER_KINDS)}).")
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
        raise PoursuitesError("Montant déclaré invalide : un nombre de centimes positif ou nul est attendu.")
    if kind == "positive" and amount_cents == 0:
        raise PoursuitesError("Réponse positive : indiquer le montant des sommes détenues.")
    if kind in NEGATIVE_ANSWERS and amount_cents:
        raise PoursuitesError("Réponse négative : aucun montant ne peut être déclaré.")
    with db.transaction() as session:
        acte = session.get(Acte, int(acte_id))
        if acte is None or acte.kind not in ANY_SATD_KINDS:
            raise PoursuitesError(f"SATD inconnue : {acte_id}.")
        if answered_on < acte.issued_on:
            raise PoursuitesError(f"La réponse ne peut précéder la SATD du {date_fr(acte.issued_on)}.")
        answer = TiersAnswer(acte_id=acte.id, kind=kind, amount_cents=amount_cents, answered_on=answered_on,
                             comment=comment, agent_id=agent_id)
        session.add(answer)
        session.flush()
        audit.add(session, agent_id, "reponse_tiers", "acte", acte.id,
                  {"redevable_id": acte.redevable_id, "kind": kind, "amount_cents": amount_cents})
    return answer


# ---------------------------------------------------------------------------------- ANV
_DECIDERS = {Product.IMPOTS: "comptable", Product.AMENDES: "comptable_cour_des_comptes",
             Product.SECTEUR_LOCAL: "assemblee_deliberante"}
ANV_STATUSES: tuple[str, ...] = tuple(s.value for s in StatutAnv)


@refus_des_bibliotheques(PoursuitesError)
def propose_anv(redevable_id: int, motif: str, today: date | None = None, agent_id: int | None = None,
                justification: str = "") -> AnvProposal:
    """Propose the admission en non-valeur of every open créance of the account (one proposal for
    the whole situation, with who decides per créance); one ``AnvDecision`` ``proposee`` each."""
    today = today or date.today()
    try:
        ground = MotifAnv(motif)
    except ValueError:
        known = ", ".join(m.value for m in MotifAnv)
        raise PoursuitesError(f"Motif d'ANV inconnu : « {motif} » (attendu : {known}).") from None
    with db.transaction() as session:
        account = load_account(session, redevable_id, today)
        pending = [account.creances[c].reference for c, d in account.anv.items() if d.status == "proposee"]
        if pending:
            raise PoursuitesError("Une proposition d'admission en non-valeur est déjà en cours "
                                  f"({', '.join(pending)}).")
        views = list(account.compte().creances)  # admitted ones are out
        cfg = account.config
        try:
            proposal = library_propose_anv(
                str(account.id), views, ground, today, justification, cfg.anv_montant_faible_max_cents,
                cfg.delegated(v.creditor_code for v in views))
        except ValueError as exc:
            raise PoursuitesError(str(exc)) from None
        for line in proposal.lines:
            decider = "executif_delegation" if line.delegation else _DECIDERS[line.product]
            session.add(AnvDecision(redevable_id=account.id, creance_id=int(line.creance_id), status="proposee",
                                    ground=ground.value, decider=decider, amount_cents=line.amount_cents,
                                    decided_on=today, comment=proposal.explanation, agent_id=agent_id))
        session.flush()
        audit.add(session, agent_id, "anv", "redevable", account.id,
                  {"status": "proposee", "motif": ground.value, "total_cents": proposal.total_cents,
                   "creance_ids": [int(line.creance_id) for line in proposal.lines]})
    return proposal


@refus_des_bibliotheques(PoursuitesError)
def decide_anv(redevable_id: int, status: str, decided_on: date | None = None, agent_id: int | None = None,
               creance_ids: Sequence[int] | None = None, comment: str | None = None) -> list[AnvDecision]:
    """Decide a proposal (``admise`` / ``refusee``), or resume recovery of admitted créances
    (``reprise``: the debtor came back to better fortune). Append-only."""
    decided_on = decided_on or date.today()
    if status not in ANV_STATUSES[1:]:
        raise PoursuitesError(f"Décision d'ANV inconnue : « {status} » (attendu : admise, refusee, reprise).")
    wanted_from = "admise" if status == "reprise" else "proposee"
    with db.transaction() as session:
        account = load_account(session, redevable_id, decided_on)
        open_ = {c: d for c, d in account.anv.items() if d.status == wanted_from}
        ids = list(open_) if creance_ids is None else [int(c) for c in creance_ids]
        wrong = [c for c in ids if c not in open_]
        if wrong or not ids:
            what = "admise en non-valeur" if status == "reprise" else "proposée en non-valeur"
            listed = f" : {', '.join(map(str, wrong))}." if wrong else "."
            raise PoursuitesError(f"Aucune créance {what} à décider{listed}")
        rows = []
        for c in ids:
            prev = open_[c]
            rows.append(AnvDecision(redevable_id=account.id, creance_id=c, status=status, ground=prev.ground,
                                    decider=prev.decider, amount_cents=int(account.creances[c].rar_cents),
                                    decided_on=decided_on, comment=comment, agent_id=agent_id))
        session.add_all(rows)
        session.flush()
        audit.add(session, agent_id, "anv", "redevable", account.id, {"status": status, "creance_ids": ids})
    return rows


def satd_in_force(redevable_id: int, today: date | None = None) -> list[LockInfo]:
    today = today or date.today()
    with db.new_session() as session:
        return list(load_account(session, redevable_id, today).locks.values())


__all__ = [
    "AccountNotFound", "PlanView", "PoursuitesError", "SatdDejaEnCours", "add_renseignement", "address_proposals",
    "build_plan", "decide_anv", "decide_request", "euros", "issue_satd", "plan_text", "propose_anv",
    "record_payment", "record_request", "record_tiers_answer", "annul_satd", "reverse_payment", "satd_in_force",
]
