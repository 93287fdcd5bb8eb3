"""Requests of the debtor, handled once for the whole consolidated account.

- **plan de règlement** over several créances, with its schedule (``details["echeancier"]``):
  recorded with a schedule, it is granted (a ``RequestDecision`` ``acceptee``) and suspends
  poursuites on its créances while honoured; a missed instalment resumes them — the service then
  records ``defaillant`` (and ``solde`` once paid), see :func:`refresh_payment_plans`;
- **contestation**: suspends poursuites on the contested créances only, until decided
  (``acceptee``, ``refusee`` or ``retiree``);
- **remise gracieuse**: routed per créance to the authority that decides (library); refused at
  once when no route exists (amendes); granted, it lowers the RAR (``CreanceEvent``
  ``remise_gracieuse``) — it extinguishes the debt, unlike an ANV.

Requests and decisions are append-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.imputation import ImputationRule, impute
from poursuites.model import date_fr, euros
from poursuites.requests import Echeance, PlanState, build_schedule, remise_gracieuse_routes

from ...extensions import db
from ...models import Demande, RequestDecision
from ..admin import audit
from ..comptes.consolide import REQUEST_KINDS, REQUEST_STATUSES, CompteCharge, PoursuitesError, load_account
from ..errors import refus_des_bibliotheques
from .perimetre import poste_agissant, refus_audite, refuse_hors_poste
from .rar import set_rar


def _as_date(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PoursuitesError(f"Date illisible pour {what} : « {value} » (AAAA-MM-JJ attendu).") from None


def _as_cents(value: Any, what: str) -> int:
    try:
        cents = int(value)
    except (TypeError, ValueError):
        raise PoursuitesError(f"Montant illisible pour {what} : « {value} » (centimes attendus).") from None
    if cents <= 0:
        raise PoursuitesError(f"Montant de {what} : un nombre de centimes strictement positif est attendu.")
    return cents


def parse_schedule(details: Mapping[str, Any], total_cents: int, received_on: date,
                   echeances: Sequence[tuple[date, int]] | None = None) -> tuple[Echeance, ...]:
    """The schedule of a payment plan from explicit instalments (``echeances`` or
    ``details["echeancier"]`` = [{"due_on", "amount_cents"}]) or from ``details["nb_echeances"]``
    (+ ``premiere_echeance``, ``periodicite_mois``, ``montant_cents`` — by default the RAR of its
    créances). Empty when the request carries none."""
    if echeances:
        return tuple(Echeance(_as_date(d, "l'échéance"), _as_cents(a, "l'échéance")) for d, a in echeances)
    rows = details.get("echeancier")
    if rows:
        out = []
        for row in rows:
            due = row.get("due_on", row.get("date"))
            amount = row.get("amount_cents", row.get("montant_cents"))
            out.append(Echeance(_as_date(due, "l'échéance"), _as_cents(amount, "l'échéance")))
        return tuple(sorted(out, key=lambda e: e.due_on))
    count = details.get("nb_echeances")
    if count:
        try:
            n = int(count)
            every = int(details.get("periodicite_mois", 1))
        except (TypeError, ValueError):
            raise PoursuitesError("Nombre d'échéances ou périodicité illisible.") from None
        if not 1 <= n <= 120 or not 1 <= every <= 12:
            raise PoursuitesError("Plan de règlement : de 1 à 120 échéances, tous les 1 à 12 mois.")
        first = _as_date(details.get("premiere_echeance") or received_on, "la première échéance")
        amount = _as_cents(details.get("montant_cents", total_cents), "le plan")
        return build_schedule(amount, first, n, every)
    return ()


@refus_des_bibliotheques(PoursuitesError)
def record_request(redevable_id: int, kind: str, creance_ids: Sequence[int], details: Mapping[str, Any] | None = None,
                   agent_id: int | None = None, received_on: date | None = None, *,
                   echeances: Sequence[tuple[date, int]] | None = None, grant: bool = True) -> Demande:
    """Record a request of the debtor on some créances of the account.

    A payment plan given with its schedule (``echeances``, or in ``details``) is granted at once
    unless ``grant`` is false; without a schedule it waits for a decision."""
    details = dict(details or {})
    if received_on is None:
        received_on = _as_date(details["recue_le"], "la réception") if details.get("recue_le") else date.today()
    if kind not in REQUEST_KINDS:
        raise PoursuitesError(f"Type de demande inconnu : « {kind} » (attendu : {', '.join(REQUEST_KINDS)}).")
    ids = list(dict.fromkeys(int(c) for c in creance_ids or ()))
    if not ids:
        raise PoursuitesError("Indiquer au moins une créance concernée par la demande.")
    with refus_audite(agent_id, "demande", kind=kind), db.transaction() as session:
        account = load_account(session, redevable_id, received_on)
        refuse_hors_poste(account, poste_agissant(session, agent_id), ids, "demande du redevable")
        unknown = [c for c in ids if c not in account.creances]
        if unknown:
            raise PoursuitesError(f"Créance(s) inconnue(s) dans ce compte : {', '.join(map(str, unknown))}.")
        views = [account.views[c] for c in ids]
        decision: tuple[str, str] | None = None
        if kind in ("plan_reglement", "contestation"):
            closed = [v.reference for v in views if v.cancelled or v.rar_cents <= 0]
            if closed:
                raise PoursuitesError(f"Créance(s) annulée(s) ou soldée(s) : {', '.join(closed)}.")
        if kind == "contestation":
            already = [account.views[c].reference for c in ids if c in account.contested]
            if already:
                raise PoursuitesError(f"Contestation déjà en cours sur : {', '.join(already)}.")
        elif kind == "plan_reglement":
            total = sum(v.rar_cents for v in views)
            schedule = parse_schedule(details, total, received_on, echeances)
            if schedule:
                planned = sum(e.amount_cents for e in schedule)
                if planned > total:
                    raise PoursuitesError(f"L'échéancier ({euros(planned)}) dépasse le reste à recouvrer des créances "
                                          f"du plan ({euros(total)}).")
                details["echeancier"] = [{"due_on": e.due_on.isoformat(), "amount_cents": e.amount_cents}
                                         for e in schedule]
                details.pop("nb_echeances", None)
                if grant:
                    decision = ("acceptee", f"Plan de règlement accordé : {len(schedule)} échéance(s) du "
                                            f"{date_fr(schedule[0].due_on)} au {date_fr(schedule[-1].due_on)}, "
                                            f"{euros(planned)} ; poursuites suspendues sur {len(ids)} créance(s) "
                                            "tant qu'il est respecté.")
        elif kind == "remise_gracieuse":
            routes = remise_gracieuse_routes(views, [v.id for v in views])
            details["routes"] = [{"creance_id": int(r.creance_id), "possible": r.possible, "autorite": r.autorite,
                                  "base_legale": r.base_legale, "reason": r.reason} for r in routes]
            if not any(r.possible for r in routes):
                decision = ("refusee", " ".join(dict.fromkeys(r.reason for r in routes)))
        req = Demande(redevable_id=account.id, kind=kind, received_on=received_on, creance_ids=ids,
                            details=details, agent_id=agent_id)
        session.add(req)
        session.flush()
        if decision is not None:
            session.add(RequestDecision(request_id=req.id, status=decision[0], decided_on=received_on,
                                        comment=decision[1], agent_id=agent_id))
        audit.add(session, agent_id, "demande", "redevable", account.id,
                  {"request_id": req.id, "kind": kind, "creance_ids": ids,
                   "decision": decision[0] if decision else None})
    return req


@refus_des_bibliotheques(PoursuitesError)
def decide_request(request_id: int, status: str, decided_on: date | None = None, agent_id: int | None = None,
                   comment: str | None = None, *, amount_cents: int | None = None) -> RequestDecision:
    """Record a decision on a request. A remise gracieuse ``acceptee`` lowers the RAR of its
    créances that admit one (all of it, or ``amount_cents`` from the oldest debt on)."""
    with refus_audite(agent_id, "decision_demande", request_id=request_id), db.transaction() as session:
        return decide_in(session, request_id, status, decided_on or date.today(), agent_id, comment,
                         amount_cents=amount_cents)


def decide_in(session: Session, request_id: int, status: str, decided_on: date, agent_id: int | None,
              comment: str | None, *, amount_cents: int | None = None) -> RequestDecision:
    """:func:`decide_request` inside the caller's transaction."""
    req = session.get(Demande, int(request_id))
    if req is None:
        raise PoursuitesError(f"Demande inconnue : {request_id}.")
    refuse_hors_poste(load_account(session, req.redevable_id, decided_on), poste_agissant(session, agent_id),
                      req.creance_ids, "décision sur une demande")
    allowed = REQUEST_STATUSES[req.kind]
    if status not in allowed:
        raise PoursuitesError(f"Décision « {status} » impossible sur cette demande "
                              f"(attendu : {', '.join(allowed)}).")
    if decided_on < req.received_on:
        raise PoursuitesError("La décision ne peut précéder la demande.")
    latest = latest_decision(session, req.id)
    if req.kind == "plan_reglement" and status == "acceptee" and not (req.details or {}).get("echeancier"):
        raise PoursuitesError("Plan de règlement sans échéancier : enregistrer la demande avec ses échéances.")
    if req.kind != "plan_reglement" and latest is not None and latest.status in ("acceptee", "refusee", "retiree"):
        raise PoursuitesError(f"Demande déjà décidée ({latest.status} le {date_fr(latest.decided_on)}).")
    if req.kind == "plan_reglement" and latest is not None and latest.status == status:
        raise PoursuitesError(f"Demande déjà dans cet état ({status} le {date_fr(latest.decided_on)}).")
    text = comment
    if req.kind == "remise_gracieuse" and status == "acceptee":
        account = load_account(session, req.redevable_id, decided_on, for_update=True)
        possible = [int(r["creance_id"]) for r in (req.details or {}).get("routes", []) if r.get("possible")]
        views = [account.views[c] for c in possible if c in account.views]
        due = sum(v.rar_cents for v in views if not v.cancelled)
        if due <= 0:
            raise PoursuitesError("Aucune créance de la demande n'admet de remise : rien à remettre.")
        granted = due if amount_cents is None else int(amount_cents)
        if not 0 < granted <= due:
            raise PoursuitesError(f"Montant de la remise invalide : entre 0,01 € et {euros(due)}.")
        imp = impute(granted, views, decided_on, ImputationRule.PLUS_ANCIENNE_DABORD)
        for line in imp.lines:
            c = account.creances[int(line.creance_id)]
            set_rar(session, c, int(c.rar_cents) - line.amount_cents, "remise_gracieuse", agent_id)
        text = (comment + " — " if comment else "") + f"Remise gracieuse accordée : {euros(granted)}."
    decision = RequestDecision(request_id=req.id, status=status, decided_on=decided_on, comment=text,
                               agent_id=agent_id)
    session.add(decision)
    session.flush()
    audit.add(session, agent_id, "decision_demande", "redevable", req.redevable_id,
              {"request_id": req.id, "kind": req.kind, "status": status})
    return decision


def latest_decision(session: Session, request_id: int) -> RequestDecision | None:
    """The decision in force on a request (the latest one)."""
    return session.scalar(select(RequestDecision).where(RequestDecision.request_id == request_id)
                          .order_by(RequestDecision.decided_on.desc(), RequestDecision.id.desc()).limit(1))


def refresh_payment_plans(session: Session, redevable_id: int | CompteCharge, on: date,
                          agent_id: int | None = None) -> list[RequestDecision]:
    """Record, inside the caller's transaction, the plans granted that became ``defaillant``
    (a missed instalment: poursuites resume) or ``solde`` on ``on``."""
    account = redevable_id if isinstance(redevable_id, CompteCharge) else load_account(session, redevable_id, on)
    out = []
    for info in account.plans:
        if info.status is None or info.latest_status != "acceptee":
            continue
        if info.status.state is PlanState.DEFAILLANT:
            status = "defaillant"
        elif info.status.state is PlanState.SOLDE:
            status = "solde"
        else:
            continue
        decision = RequestDecision(request_id=info.request_id, status=status, decided_on=on,
                                   comment=info.status.reason, agent_id=agent_id)
        session.add(decision)
        out.append(decision)
    if out:
        session.flush()
        from .lettres_demandes import letter_for_decision  # here: the letters module imports this one

        for decision in out:
            if decision.status == "defaillant":  # poursuites resume: the debtor is told why
                letter_for_decision(session, account, decision, agent_id)
    return out


__all__ = ["decide_in", "decide_request", "latest_decision", "parse_schedule", "record_request",
           "refresh_payment_plans"]
