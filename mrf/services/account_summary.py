"""Consolidated accounts summarised for panel composition (``panels.AccountSummary``).

Set-based: a handful of GROUP BY / plain queries over the whole base (or a list of redevables),
streamed, then folded in Python per redevable. No per-account query, so it scales to a million
accounts. What each field is built from:

- ``due_cents`` / ``hospital_cents`` / ``creance_count``: créances ``en_cours`` with a positive
  reste à recouvrer, through source record → record link → redevable;
- ``oldest_debt_on`` / ``newest_debt_on``: their earliest / latest ``date_exigibilite``;
- ``nearest_prescription_on``: earliest prescription date, from ``date_prise_en_charge`` (or the
  last interrupting act on the créance, when later) plus the legal delay — the delays are the
  versioned data of the poursuites library (``poursuites/data/delais.toml``: impôts 4 years,
  secteur local 4 years, amendes 3 years for a contravention, 6 years for a délit); one place;
- ``contested``: a ``contestation`` request received by ``as_of`` and not yet decided;
- ``payment_plan_honoured``: a ``plan_reglement`` request whose latest decision grants it or
  finds it honoured;
- ``surendettement``, ``procedure_collective``, ``deceased``: the data model records none of
  them yet (no table, no request kind): always False;
- ``addresses``: each linked source record's commune (``code_insee`` / ``code_postal``) dated by
  its ``address_date`` or, failing that, by its last import batch (the batch that last changed
  the record's identity or address), plus ``Renseignement`` rows of kind ``adresse``;
- ``current_structure_codes``: the structures in charge of its créances en cours.

Records linked to an account later merged into another (``merged_into_id``) count for the
surviving account.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from panels import AccountSummary, AddressObservation, Reliability
from poursuites.legal import delai_prescription
from poursuites.model import OffenceKind, Product
from poursuites.prescription import add_years

from ..models import (
    Acte,
    ActeLine,
    Creance,
    DebtorRequest,
    ImportBatch,
    RecordLink,
    Redevable,
    Renseignement,
    RequestDecision,
    SourceRecord,
    Structure,
)

#: Acts that interrupt prescription and restart the full delay (notified acts of poursuite).
INTERRUPTING_ACT_KINDS: tuple[str, ...] = ("mise_en_demeure", "satd", "satd_banque", "satd_tiers", "saisie_vente")
#: Act statuses that do not count (the act never took effect).
VOID_ACT_STATUSES: tuple[str, ...] = ("annule", "annulee", "brouillon")

#: Latest decision statuses after which a contestation no longer suspends anything.
CONTESTATION_CLOSED_STATUSES = frozenset(
    {"acceptee", "accepte", "rejetee", "rejete", "refusee", "refuse", "decidee", "cloturee", "close", "classee",
     "annulee"})
#: Latest decision statuses under which a payment plan is in force and honoured.
PLAN_HONOURED_STATUSES = frozenset({"acceptee", "accepte", "accordee", "accorde", "respecte", "en_cours"})

#: Reliability of a source record's address: the address the application currently writes to.
SOURCE_RECORD_RELIABILITY = Reliability.RELIABLE
#: ``Renseignement.reliability`` → panels reliability.
RENSEIGNEMENT_RELIABILITY: dict[str, Reliability] = {
    "confirmee": Reliability.RELIABLE,
    "declaree": Reliability.RELIABLE,
    "ancienne": Reliability.UNVERIFIED,
    "npai": Reliability.UNDELIVERABLE,
}

_STREAM = 50_000  # rows fetched at a time
_IN_LIMIT = 5_000  # above this many redevables, filter in Python rather than with IN (...)


@cache
def prescription_years(product: str, offence_category: str | None) -> int:
    """Legal delay of prescription in years (the poursuites library's versioned data)."""
    kind = OffenceKind.DELIT if offence_category == "delit" else OffenceKind.CONTRAVENTION
    return delai_prescription(Product(product), kind if product == "amendes" else None).annees


def prescription_on(product: str, offence_category: str | None, start: date) -> date:
    return add_years(start, prescription_years(product, offence_category))


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _stream(session: Session, stmt: Select) -> Iterator:
    yield from session.execute(stmt.execution_options(yield_per=_STREAM))


class _Roots:
    """Resolves a redevable id to the surviving account (follows ``merged_into_id``)."""

    def __init__(self, session: Session) -> None:
        self.merged: dict[int, int] = dict(
            session.execute(select(Redevable.id, Redevable.merged_into_id).where(Redevable.merged_into_id.is_not(None)))
            
            .all()
        )

    def __call__(self, rid: int) -> int:
        seen = 0
        merged = self.merged
        while rid in merged and seen < 100:
            rid = merged[rid]
            seen += 1
        return rid

    def expand(self, roots: set[int]) -> set[int]:
        """Every id whose surviving account is in ``roots`` (the roots included)."""
        out = set(roots)
        out.update(rid for rid in self.merged if self(rid) in roots)
        return out


def load_account_summaries(
    session: Session, as_of: date, redevable_ids: Iterable[int] | None = None
) -> list[AccountSummary]:
    """Summaries of the surviving accounts (``merged_into_id IS NULL``), sorted by id.

    ``redevable_ids`` restricts to those accounts (ids of merged accounts are ignored)."""
    roots = _Roots(session)
    wanted: set[int] | None = None
    sql_ids: list[int] | None = None
    active_q = select(Redevable.id).where(Redevable.merged_into_id.is_(None))
    if redevable_ids is not None:
        wanted = {int(i) for i in redevable_ids}
        all_ids = roots.expand(wanted)
        if len(all_ids) <= _IN_LIMIT:
            sql_ids = sorted(all_ids)
            active_q = active_q.where(Redevable.id.in_(sorted(wanted)))
    active = [rid for (rid,) in _stream(session, active_q.order_by(Redevable.id))]
    if wanted is not None:
        active = [rid for rid in active if rid in wanted]
    if not active:
        return []
    keep = set(active)

    def restrict(stmt: Select, column) -> Select:  # noqa: ANN001
        return stmt.where(column.in_(sql_ids)) if sql_ids is not None else stmt

    codes = dict(session.execute(select(Structure.id, Structure.code)).all())

    # 1. créances en cours, one row per (account, product, hospital, offence category, structure)
    acte_void = aliased(Acte)
    cancelled = select(acte_void.cancels_id).where(acte_void.cancels_id.is_not(None))
    last_act = (
        select(ActeLine.creance_id.label("creance_id"), func.max(Acte.issued_on).label("on"))
        .join(Acte, Acte.id == ActeLine.acte_id)
        .where(Acte.kind.in_(INTERRUPTING_ACT_KINDS), Acte.status.not_in(VOID_ACT_STATUSES),
               Acte.id.not_in(cancelled))
        .group_by(ActeLine.creance_id)
        .subquery()
    )
    start = case((last_act.c.on > Creance.date_prise_en_charge, last_act.c.on), else_=Creance.date_prise_en_charge)
    group = (RecordLink.redevable_id, Creance.product, Creance.is_hospital, Creance.offence_category,
             Creance.structure_id)
    creances_q = restrict(
        select(*group, func.sum(Creance.rar_cents), func.count(), func.min(Creance.date_exigibilite),
               func.max(Creance.date_exigibilite), func.min(start))
        .join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
        .outerjoin(last_act, last_act.c.creance_id == Creance.id)
        .where(Creance.status == "en_cours", Creance.rar_cents > 0)
        .group_by(*group),
        RecordLink.redevable_id,
    )
    due: dict[int, dict[str, int]] = {}
    hospital: dict[int, int] = {}
    count: dict[int, int] = {}
    oldest: dict[int, date] = {}
    newest: dict[int, date] = {}
    prescription: dict[int, date] = {}
    structures: dict[int, set[str]] = {}
    for rid, product, is_hosp, offence, structure_id, rar, n, lo, hi, pstart in _stream(session, creances_q):
        rid = roots(rid)
        if rid not in keep:
            continue
        rar = int(rar or 0)
        d = due.setdefault(rid, {})
        d[product] = d.get(product, 0) + rar
        if is_hosp and product == "secteur_local":
            hospital[rid] = hospital.get(rid, 0) + rar
        count[rid] = count.get(rid, 0) + int(n)
        lo, hi, pstart = _as_date(lo), _as_date(hi), _as_date(pstart)
        if lo is not None and (rid not in oldest or lo < oldest[rid]):
            oldest[rid] = lo
        if hi is not None and (rid not in newest or hi > newest[rid]):
            newest[rid] = hi
        if pstart is not None:
            p = prescription_on(product, offence, pstart)
            if rid not in prescription or p < prescription[rid]:
                prescription[rid] = p
        code = codes.get(structure_id)
        if code is not None:
            structures.setdefault(rid, set()).add(code)

    # 2. addresses: source records (dated by address_date, else their last import batch)
    batch_dates = {bid: _as_date(at) for bid, at in session.execute(select(ImportBatch.id, ImportBatch.started_at))}
    addresses: dict[int, set[AddressObservation]] = {}
    records_q = restrict(
        select(RecordLink.redevable_id, SourceRecord.source, SourceRecord.code_insee, SourceRecord.code_postal,
               SourceRecord.address_date, SourceRecord.last_batch_id, SourceRecord.created_at)
        .join(RecordLink, RecordLink.source_record_id == SourceRecord.id)
        .where(or_(SourceRecord.code_insee.is_not(None), SourceRecord.code_postal.is_not(None))),
        RecordLink.redevable_id,
    )
    for rid, source, insee, postcode, address_date, batch_id, created in _stream(session, records_q):
        rid = roots(rid)
        if rid not in keep:
            continue
        observed = _as_date(address_date) or batch_dates.get(batch_id) or _as_date(created)
        if observed is None:
            continue
        addresses.setdefault(rid, set()).add(
            AddressObservation(observed, source, SOURCE_RECORD_RELIABILITY, insee or None, postcode or None))

    #    … and shared information of kind "adresse" (not superseded by a later correction)
    superseding = aliased(Renseignement)
    superseded = select(superseding.supersedes_id).where(superseding.supersedes_id.is_not(None))
    rens_q = restrict(
        select(Renseignement.redevable_id, Renseignement.source, Renseignement.code_insee, Renseignement.code_postal,
               Renseignement.observed_on, Renseignement.reliability)
        .where(Renseignement.kind == "adresse", Renseignement.id.not_in(superseded),
               or_(Renseignement.code_insee.is_not(None), Renseignement.code_postal.is_not(None))),
        Renseignement.redevable_id,
    )
    for rid, source, insee, postcode, observed, reliability in _stream(session, rens_q):
        rid = roots(rid)
        if rid not in keep:
            continue
        addresses.setdefault(rid, set()).add(AddressObservation(
            _as_date(observed), source, RENSEIGNEMENT_RELIABILITY.get(reliability, Reliability.UNVERIFIED),
            insee or None, postcode or None))

    # 3. flags from the debtor's requests, at as_of
    requests_q = restrict(
        select(DebtorRequest.id, DebtorRequest.redevable_id, DebtorRequest.kind)
        .where(DebtorRequest.kind.in_(("contestation", "plan_reglement")), DebtorRequest.received_on <= as_of),
        DebtorRequest.redevable_id,
    )
    requests = {req_id: (roots(rid), kind) for req_id, rid, kind in _stream(session, requests_q)}
    latest: dict[int, str] = {}
    if requests:
        decisions_q = (
            select(RequestDecision.request_id, RequestDecision.status)
            .join(DebtorRequest, DebtorRequest.id == RequestDecision.request_id)
            .where(DebtorRequest.kind.in_(("contestation", "plan_reglement")), DebtorRequest.received_on <= as_of,
                   RequestDecision.decided_on <= as_of)
            .order_by(RequestDecision.request_id, RequestDecision.decided_on, RequestDecision.id)
        )
        if sql_ids is not None:
            decisions_q = decisions_q.where(DebtorRequest.redevable_id.in_(sql_ids))
        for req_id, status in _stream(session, decisions_q):
            latest[req_id] = status
    contested: set[int] = set()
    honoured: set[int] = set()
    for req_id, (rid, kind) in requests.items():
        status = latest.get(req_id)
        if kind == "contestation" and status not in CONTESTATION_CLOSED_STATUSES:
            contested.add(rid)
        elif kind == "plan_reglement" and status in PLAN_HONOURED_STATUSES:
            honoured.add(rid)

    empty: dict[str, int] = {}
    out = []
    for rid in active:
        obs = addresses.get(rid)
        out.append(AccountSummary(
            redevable_id=rid,
            due_cents=due.get(rid, empty),
            hospital_cents=hospital.get(rid, 0),
            creance_count=count.get(rid, 0),
            oldest_debt_on=oldest.get(rid),
            newest_debt_on=newest.get(rid),
            nearest_prescription_on=prescription.get(rid),
            contested=rid in contested,
            payment_plan_honoured=rid in honoured,
            addresses=tuple(sorted(obs, key=_obs_order)) if obs else (),
            current_structure_codes=frozenset(structures.get(rid, ())),
        ))
    return out


def _obs_order(o: AddressObservation) -> tuple:
    return (o.observed_on, o.source, o.reliability.value, o.code_insee or "", o.postcode or "")


__all__ = ["load_account_summaries", "prescription_on", "prescription_years", "INTERRUPTING_ACT_KINDS"]
