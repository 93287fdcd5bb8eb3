"""The deadlines of the work list that SQL alone does not compute: a missed instalment of a granted payment
plan, and the calendar of a dossier handed to a commissaire de justice (the rules are the libraries':
``poursuites.requests.plan_status``, ``poursuites.huissier`` through ``commissaires.etat``).

- **échéancier** (``echeancier``): a plan de règlement granted whose schedule is missed on the day
  (instalment due + grace period passed, payments short: ``plan_status`` says ``defaillant``), or already
  recorded ``defaillant``; the date is the missed instalment's. It stays on the list until poursuites
  resume on the plan's créances (an act issued on one of them since that date) or nothing is due on them.
- **commissaire**: for a dossier *en cours*, the end of its phase (75 or 60 days comminatoire, 50 days
  judiciaire, plus the extensions granted: ``fin_comminatoire``, ``fin_judiciaire``) once it is within the
  urgency horizon (``priorite``), before that the next of the platform's follow-ups to come (J+8, J+15,
  J+40: ``relance_etude``, not urgent) or the end of the phase when none is left; for a dossier
  whose phase ended without full payment (*échu*: poursuites resume, art. 11), the end of the phase
  (``phase_echue``). A dossier suspended, paid or closed has no deadline."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from poursuites.huissier import Phase, relances
from poursuites.requests import Paiement, PlanDeReglement, PlanState, plan_status

from ...models import Acte, ActeLine, Creance, Demande, Imputation, Payment, RequestDecision
from ..commissaires.registre import charger
from . import famille
from .consolide import PLAN_GRANTED, schedule_of
from .priorite import regles
from .resume import VOID_ACT_STATUSES
from .vocabulaire import StatutCreance

Deadline = tuple[date, str]  # (date, kind: priorite.DEADLINE_KINDS)


def _plans(session: Session, family: list[int] | None, today: date) -> dict[int, Deadline]:
    """Missed instalments of payment plans, by account (as recorded on the requests)."""
    q = select(Demande).where(Demande.kind == "plan_reglement", Demande.received_on <= today)
    if family is not None:
        q = q.where(Demande.redevable_id.in_(family))
    requests = list(session.scalars(q))
    if not requests:
        return {}
    latest: dict[int, RequestDecision] = {}
    for d in session.scalars(select(RequestDecision).where(
            RequestDecision.request_id.in_([r.id for r in requests]), RequestDecision.decided_on <= today)
            .order_by(RequestDecision.decided_on, RequestDecision.id)):
        latest[d.request_id] = d
    granted = [(r, latest[r.id]) for r in requests if r.id in latest and
               (latest[r.id].status in PLAN_GRANTED or latest[r.id].status == "defaillant") and schedule_of(r)]
    if not granted:
        return {}
    cids = sorted({int(i) for r, _ in granted for i in (r.creance_ids or [])})
    due = {cid for cid, status, rar in session.execute(
        select(Creance.id, Creance.status, Creance.rar_cents).where(Creance.id.in_(cids)))
        if status == StatutCreance.EN_COURS and rar > 0}
    paid: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for cid, pid, received, amount in session.execute(
            select(Imputation.creance_id, Payment.id, Payment.received_on, Imputation.amount_cents)
            .join(Payment, Payment.id == Imputation.payment_id)
            .where(Imputation.creance_id.in_(cids), Payment.received_on <= today)):
        paid[cid].append((received, pid, amount))
    last_act: dict[int, date] = {}
    for cid, issued in session.execute(
            select(ActeLine.creance_id, Acte.issued_on).join(Acte, Acte.id == ActeLine.acte_id)
            .where(and_(ActeLine.creance_id.in_(cids), Acte.status.not_in(VOID_ACT_STATUSES),
                        Acte.cancels_id.is_(None), Acte.issued_on <= today))):
        last_act[cid] = max(issued, last_act.get(cid, issued))
    out: dict[int, Deadline] = {}
    for req, _dec in granted:
        ids = tuple(int(i) for i in (req.creance_ids or []))
        if not any(i in due for i in ids):
            continue
        by_payment: dict[tuple[int, date], int] = defaultdict(int)
        for cid in ids:
            for received, pid, amount in paid.get(cid, ()):
                by_payment[(pid, received)] += amount
        payments = [Paiement(received, amount) for (_, received), amount in sorted(by_payment.items())]
        grace = int((req.details or {}).get("delai_de_grace_jours", 0))
        plan = PlanDeReglement(str(req.id), tuple(str(i) for i in ids), schedule_of(req), req.received_on, grace)
        status = plan_status(plan, payments, today)
        if status.state is not PlanState.DEFAILLANT or status.missed is None:
            continue
        missed = status.missed.due_on + timedelta(days=grace)
        if any(last_act.get(i, date.min) >= missed for i in ids):
            continue  # poursuites resumed since the instalment was missed
        _keep(out, req.redevable_id, (status.missed.due_on, "echeancier"))
    return out


def _dossiers(session: Session, family: list[int] | None, today: date) -> dict[int, Deadline]:
    """The next deadline of the dossiers handed to commissaires de justice, by account."""
    out: dict[int, Deadline] = {}
    for vue in charger(session, today, redevable_ids=family):
        d, state = vue.dossier, vue.etat
        if state.etat == "echu":
            _keep(out, d.redevable_id, (state.echeance, "phase_echue"))
        elif state.etat == "en_cours":
            end = (state.echeance, "fin_judiciaire" if d.phase == Phase.JUDICIAIRE.value else "fin_comminatoire")
            follow_ups = [(r.due_on, "relance_etude") for i, r in enumerate(relances(d.transmis_le))
                          if r.due_on >= today and not (i == 0 and state.accuse)]
            # The end of the phase once it is within the urgency horizon (the agent prepares what follows);
            # before, the next follow-up of the étude (shown, not urgent).
            soon = end[0] <= today + timedelta(days=regles(today).deadline_days)
            _keep(out, d.redevable_id, end if soon or not follow_ups else min(follow_ups))
    return out


def _keep(out: dict[int, Deadline], rid: int, deadline: Deadline) -> None:
    if rid not in out or deadline < out[rid]:
        out[rid] = deadline


def echeances(session: Session, family: list[int] | None, today: date) -> dict[int, Deadline]:
    """The earliest of these deadlines of every account (``family`` None) or of these accounts, by
    surviving account."""
    found: dict[int, Deadline] = {}
    for part in (_plans(session, family, today), _dossiers(session, family, today)):
        for rid, deadline in part.items():
            _keep(found, rid, deadline)
    roots = famille.roots_of(session, found)
    out: dict[int, Deadline] = {}
    for rid, deadline in found.items():
        _keep(out, roots.get(rid, rid), deadline)
    return out
