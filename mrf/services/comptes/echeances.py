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
  (``phase_echue``). A dossier suspended, paid or closed has no deadline.

A témoin of the control group is handled as without the product: each of these deadlines goes to the lists
of the offices it concerns only — a plan to the offices of its créances, a dossier to the office that
handed it — and so does a debtor's pending request naming créances (its answer-by date; the SQL of
``worklist`` computes it for every other account). Keys: (surviving account, office), office None for
every list of the account."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from panels.scope import ScopeGroup
from poursuites.huissier import Phase, relances
from poursuites.requests import Paiement, PlanDeReglement, PlanState, plan_status

from ...models import Acte, ActeLine, Creance, Demande, Imputation, Payment, RequestDecision
from ..commissaires.registre import charger
from ..panels.perimetre import members_in_group
from . import famille
from .consolide import PLAN_GRANTED, schedule_of
from .priorite import regles
from .resume import VOID_ACT_STATUSES
from .vocabulaire import StatutCreance

Deadline = tuple[date, str]  # (date, kind: priorite.DEADLINE_KINDS)
Offices = frozenset[int]  # the structures a deadline concerns (their créances, the dossier's office)
Found = list[tuple[int, Offices, Deadline]]  # (account as recorded, offices, deadline)


def _plans(session: Session, family: list[int] | None, today: date) -> Found:
    """Missed instalments of payment plans (as recorded on the requests)."""
    q = select(Demande).where(Demande.kind == "plan_reglement", Demande.received_on <= today)
    if family is not None:
        q = q.where(Demande.redevable_id.in_(family))
    requests = list(session.scalars(q))
    if not requests:
        return []
    latest: dict[int, RequestDecision] = {}
    for d in session.scalars(select(RequestDecision).where(
            RequestDecision.request_id.in_([r.id for r in requests]), RequestDecision.decided_on <= today)
            .order_by(RequestDecision.decided_on, RequestDecision.id)):
        latest[d.request_id] = d
    granted = [(r, latest[r.id]) for r in requests if r.id in latest and
               (latest[r.id].status in PLAN_GRANTED or latest[r.id].status == "defaillant") and schedule_of(r)]
    if not granted:
        return []
    cids = sorted({int(i) for r, _ in granted for i in (r.creance_ids or [])})
    office: dict[int, int] = {}
    due: set[int] = set()
    for cid, status, rar, sid in session.execute(
            select(Creance.id, Creance.status, Creance.rar_cents, Creance.structure_id).where(Creance.id.in_(cids))):
        office[cid] = sid
        if status == StatutCreance.EN_COURS and rar > 0:
            due.add(cid)
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
    out: Found = []
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
        offices = frozenset(office[i] for i in ids if office.get(i) is not None)
        out.append((req.redevable_id, offices, (status.missed.due_on, "echeancier")))
    return out


def _dossiers(session: Session, family: list[int] | None, today: date) -> Found:
    """The next deadline of the dossiers handed to commissaires de justice."""
    out: Found = []
    for vue in charger(session, today, redevable_ids=family):
        d, state = vue.dossier, vue.etat
        office = frozenset({d.structure_id})
        if state.etat == "echu":
            out.append((d.redevable_id, office, (state.echeance, "phase_echue")))
        elif state.etat == "en_cours":
            end = (state.echeance, "fin_judiciaire" if d.phase == Phase.JUDICIAIRE.value else "fin_comminatoire")
            follow_ups = [(r.due_on, "relance_etude") for i, r in enumerate(relances(d.transmis_le))
                          if r.due_on >= today and not (i == 0 and state.accuse)]
            # The end of the phase once it is within the urgency horizon (the agent prepares what follows);
            # before, the next follow-up of the étude (shown, not urgent).
            soon = end[0] <= today + timedelta(days=regles(today).deadline_days)
            out.append((d.redevable_id, office, end if soon or not follow_ups else min(follow_ups)))
    return out


def _temoins_requests(session: Session, family: list[int] | None, today: date, control: Select) -> Found:
    """A témoin's pending requests naming créances: the date to answer by, for the offices of those créances
    (``worklist``'s SQL leaves them out; a request naming none stays the whole account's there)."""
    q = select(Demande).where(Demande.redevable_id.in_(control),
                              ~select(RequestDecision.id).where(RequestDecision.request_id == Demande.id).exists())
    if family is not None:
        q = q.where(Demande.redevable_id.in_(family))
    requests = [r for r in session.scalars(q) if r.creance_ids]
    if not requests:
        return []
    cids = sorted({int(i) for r in requests for i in r.creance_ids})
    office = dict(session.execute(select(Creance.id, Creance.structure_id).where(Creance.id.in_(cids))).all())
    rules = regles(today)
    out: Found = []
    for r in requests:
        days = rules.request_days.get(r.kind, rules.default_request_days)
        offices = frozenset(office[int(i)] for i in r.creance_ids if office.get(int(i)) is not None)
        out.append((r.redevable_id, offices, (r.received_on + timedelta(days=days), "demande")))
    return out


def echeances(session: Session, family: list[int] | None, today: date,
              control: Select | None = None) -> dict[tuple[int, int | None], Deadline]:
    """The earliest of these deadlines of every account (``family`` None) or of these accounts, by
    (surviving account, office): office None for every list of the account, a structure for that office's
    list of a témoin (``control``: SELECT of the témoins' ids, those of the published panels by default)."""
    if control is None:
        control = members_in_group(ScopeGroup.CONTROL.value)
    found = (_plans(session, family, today) + _dossiers(session, family, today)
             + _temoins_requests(session, family, today, control))
    if not found:
        return {}
    roots = famille.roots_of(session, {rid for rid, _offices, _d in found})
    temoins = set(session.scalars(control))  # the control groups are small: no list of ids in the query
    out: dict[tuple[int, int | None], Deadline] = {}
    for rid, offices, deadline in found:
        root = roots.get(rid, rid)
        for key in ([(root, sid) for sid in sorted(offices)] if root in temoins and offices else [(root, None)]):
            if key not in out or deadline < out[key]:
                out[key] = deadline
    return out
