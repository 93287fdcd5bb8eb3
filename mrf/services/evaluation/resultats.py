"""Outcomes of a published panel, read from the database in a few set-based queries.

Per member and category: the amount due at publication (the frozen baseline), then the amounts
**recovered** month by month since publication = payments actually imputed on the baseline's
créances (a reversal nets in the month of the payment it cancels). Remises gracieuses,
cancellations and admissions en non-valeur lower what is due without being recoveries: they are
counted apart, as are the créances that arrived after publication. The pre-period (the 12 months
before publication) is known for a member's category when the database held some of its créances
12 months before publication: due then = reste à recouvrer rebuilt from the later imputations and
reductions, recovered = imputations during those 12 months.

Month k after publication P covers [P + (k−1) months, P + k months); only complete months are
observed (at least one)."""

from __future__ import annotations

import bisect
import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

import panels as lib
from panels import MemberActivity, MemberOutcome

from ...models import Acte, AnvDecision, CreanceEvent, Imputation, Panel, PanelMember, Payment
from ..comptes import famille
from .baseline import baselines, is_arrival, recorded_at
from .perimetre import CreanceMembre, aware, family_owner, member_creances

PRE_MONTHS = 12
#: CreanceEvent kinds that lower the amount due without any money coming in.
REDUCTIONS = {"remise_gracieuse": "remises_cents", "annulation": "annulations_cents"}


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_observed(published_on: date, as_of: date) -> int:
    """Complete months since publication, at least 1 (a panel published this month shows month 1 so far)."""
    k = 0
    while add_months(published_on, k + 1) <= as_of:
        k += 1
    return max(1, k)


def panel_products(panel: Panel) -> tuple[str, ...]:
    """The categories the panel treats (its configuration's products)."""
    products = (panel.report or {}).get("products")
    if products:
        return tuple(products)
    return lib.parse_criteria(panel.criteria_toml).products


@dataclass
class Observation:
    """What the database says of a published panel, ready for the library."""

    published_on: date
    months: int
    products: tuple[str, ...]
    outcomes: list[MemberOutcome]
    activities: list[MemberActivity]
    #: (group, category) → remises_cents, annulations_cents, anv_cents, arrivals, arrivals_cents
    apart: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)


def _chunks(ids: list[int]):  # noqa: ANN202
    for start in range(0, len(ids), famille.CHUNK):
        yield ids[start:start + famille.CHUNK]


def _imputations(session: Session, creance_ids: list[int], since: date) -> list[tuple[int, date, int]]:
    """(créance, effective date, cents) of imputations since ``since``; a reversal takes its original's date."""
    original = aliased(Payment)
    effective = func.coalesce(original.received_on, Payment.received_on)
    out = []
    for part in _chunks(creance_ids):
        out += session.execute(
            select(Imputation.creance_id, effective, func.sum(Imputation.amount_cents))
            .join(Payment, Payment.id == Imputation.payment_id)
            .outerjoin(original, original.id == Payment.reverses_id)
            .where(Imputation.creance_id.in_(part), effective >= since)
            .group_by(Imputation.creance_id, effective)).all()
    return [(int(c), d, int(s or 0)) for c, d, s in out]


def _reductions(session: Session, creance_ids: list[int], since: datetime) -> list[tuple[int, str, datetime, int]]:
    """(créance, kind, when, cents) of remises and cancellations recorded since ``since``."""
    out = []
    for part in _chunks(creance_ids):
        out += session.execute(
            select(CreanceEvent.creance_id, CreanceEvent.kind, CreanceEvent.at,
                   func.coalesce(CreanceEvent.rar_before_cents, 0) - func.coalesce(CreanceEvent.rar_after_cents, 0))
            .where(CreanceEvent.creance_id.in_(part), CreanceEvent.kind.in_(tuple(REDUCTIONS)),
                   CreanceEvent.at >= since)).all()
    return [(int(c), k, aware(at), int(v or 0)) for c, k, at, v in out]


def _anv(session: Session, creance_ids: list[int], since: date) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for part in _chunks(creance_ids):
        for cid, cents in session.execute(
                select(AnvDecision.creance_id, func.sum(AnvDecision.amount_cents))
                .where(AnvDecision.creance_id.in_(part), AnvDecision.status == "admise",
                       AnvDecision.decided_on >= since).group_by(AnvDecision.creance_id)):
            out[int(cid)] += int(cents or 0)
    return out


def _acts(session: Session, owner: dict[int, int], since: date, until: date) -> dict[int, int]:
    """Member id → acts issued to its family in [since, until) (cancellations of acts not counted)."""
    out: dict[int, int] = defaultdict(int)
    for part in _chunks(sorted(owner)):
        for rid, n in session.execute(
                select(Acte.redevable_id, func.count())
                .where(Acte.redevable_id.in_(part), Acte.issued_on >= since, Acte.issued_on < until,
                       Acte.cancels_id.is_(None)).group_by(Acte.redevable_id)):
            out[owner[int(rid)]] += int(n)
    return out


def read_observation(session: Session, panel: Panel, as_of: date) -> Observation:
    """Outcomes of every member with something due at publication on the panel's products."""
    assert panel.published_at is not None
    published_on = aware(panel.published_at).date()
    months = months_observed(published_on, as_of)
    bounds = [add_months(published_on, k) for k in range(months + 1)]  # bounds[k]: start of month k+1
    pre_start = add_months(published_on, -PRE_MONTHS)
    pre_start_at = datetime.combine(pre_start, time.min, tzinfo=UTC)
    products = panel_products(panel)
    frozen_at = recorded_at(session, panel.id) or aware(panel.published_at)
    groups = {int(rid): g for rid, g in session.execute(
        select(PanelMember.redevable_id, PanelMember.group).where(PanelMember.panel_id == panel.id))}
    base = baselines(session, panel.id)
    creances = [c for c in member_creances(session, groups) if c.category in products]
    by_id: dict[int, CreanceMembre] = {c.creance_id: c for c in creances}
    ids = sorted(by_id)

    monthly: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * months)
    pre_recovered: dict[tuple[int, str], int] = defaultdict(int)
    pre_due: dict[tuple[int, str], int] = defaultdict(int)
    first_payment: dict[int, date] = {}
    since_pre: dict[int, int] = defaultdict(int)  # per créance: imputations since the pre-period's start
    for cid, day, cents in _imputations(session, ids, pre_start):
        c = by_id[cid]
        key = (c.member_id, c.category)
        since_pre[cid] += cents
        if is_arrival(c, frozen_at):
            continue
        if day < published_on:
            pre_recovered[key] += cents
        elif day < bounds[-1]:
            monthly[key][bisect.bisect_right(bounds, day) - 1] += cents
            if cents > 0 and (c.member_id not in first_payment or day < first_payment[c.member_id]):
                first_payment[c.member_id] = day

    apart: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    reduced_since_pre: dict[int, int] = defaultdict(int)
    cancelled_since_pre: set[int] = set()
    for cid, kind, at, cents in _reductions(session, ids, pre_start_at):
        c = by_id[cid]
        reduced_since_pre[cid] += cents
        if kind == "annulation":
            cancelled_since_pre.add(cid)
        if at >= frozen_at and not is_arrival(c, frozen_at):
            apart[(groups[c.member_id], c.category)][REDUCTIONS[kind]] += cents
    for cid, cents in _anv(session, ids, published_on).items():
        c = by_id[cid]
        if not is_arrival(c, frozen_at):
            apart[(groups[c.member_id], c.category)]["anv_cents"] += cents
    known_pre: set[tuple[int, str]] = set()
    for c in creances:
        key = (c.member_id, c.category)
        if is_arrival(c, frozen_at):
            apart[(groups[c.member_id], c.category)]["arrivals"] += 1
            apart[(groups[c.member_id], c.category)]["arrivals_cents"] += c.rar_cents if c.status != "annulee" else 0
        elif c.created_at <= pre_start_at and (c.status != "annulee" or c.creance_id in cancelled_since_pre):
            known_pre.add(key)
            pre_due[key] += c.rar_cents + since_pre[c.creance_id] + reduced_since_pre[c.creance_id]

    outcomes: list[MemberOutcome] = []
    for rid, cats in sorted(base.items()):
        if rid not in groups:
            continue
        for cat, due in cats.items():
            if cat not in products or due <= 0:
                continue
            key = (rid, cat)
            known = key in known_pre
            outcomes.append(MemberOutcome(
                rid, lib.Group(groups[rid]), cat, due, tuple(max(0, v) for v in monthly[key]),
                pre_due[key] if known else None, max(0, pre_recovered[key]) if known else None))
    in_outcomes = {o.redevable_id for o in outcomes}
    owner = family_owner(session, in_outcomes)
    acts = _acts(session, owner, published_on, bounds[-1])
    activities = [MemberActivity(rid, lib.Group(groups[rid]), acts.get(rid, 0),
                                 (first_payment[rid] - published_on).days if rid in first_payment else None)
                  for rid in sorted(in_outcomes)]
    return Observation(published_on, months, products, outcomes, activities,
                       {k: dict(v) for k, v in apart.items()})
