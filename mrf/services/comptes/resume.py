"""Consolidated accounts summarised for panel composition (``panels.AccountSummary``).

Set-based: a handful of GROUP BY / plain queries over the whole base (or a list of redevables),
streamed, then folded in Python per redevable. No per-account query, so it scales to a million
accounts. What each field is built from:

- ``due_cents`` / ``hospital_cents`` / ``creance_count``: créances ``en_cours`` with a positive
  reste à recouvrer, through source record → record link → redevable;
- ``oldest_debt_on`` / ``newest_debt_on``: their earliest / latest ``date_exigibilite``;
- ``nearest_prescription_on``: earliest prescription date, from ``date_prise_en_charge`` or, when
  later, the last interrupting act on the créance or the debtor's last acknowledgement
  (:func:`prescription_start_sql` over :func:`.actes.last_interrupting_act_sql` and
  :func:`.reconnaissances.last_acknowledgement_sql`, the SQL forms of the account loader's rules)
  plus the legal delay — the delays are the versioned data of the poursuites library
  (``poursuites/data/delais.toml``: impôts 4 years, secteur local 4 years, amendes 3 years for a
  contravention, 6 years for a délit); one place;
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
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import NullType

from panels import PRODUCTS, AccountSummary, AddressObservation, Reliability
from poursuites.legal import delai_prescription
from poursuites.model import OffenceKind, Product
from poursuites.prescription import add_years

from ...models import (
    Creance,
    Demande,
    ImportBatch,
    RecordLink,
    Redevable,
    Renseignement,
    RequestDecision,
    SourceRecord,
    Structure,
)
from . import famille
from .actes import INTERRUPTING_ACT_KINDS, VOID_ACT_STATUSES, last_interrupting_act_sql
from .demandes import CONTESTATION_CLOSED_STATUSES, PLAN_HONOURED_STATUSES
from .reconnaissances import ACKNOWLEDGED_PRODUCTS, last_acknowledgement_sql
from .vocabulaire import StatutCreance

#: Reliability of a source record's address: the address the application currently writes to.
SOURCE_RECORD_RELIABILITY = Reliability.RELIABLE
#: ``Renseignement.reliability`` → panels reliability.
RENSEIGNEMENT_RELIABILITY: dict[str, Reliability] = {
    "confirmee": Reliability.RELIABLE,
    "declaree": Reliability.RELIABLE,
    "ancienne": Reliability.UNVERIFIED,
    "npai": Reliability.UNDELIVERABLE,
}

_STREAM = 100_000  # rows fetched at a time
_IN_LIMIT = 5_000  # above this many redevables, filter in Python rather than with IN (...)


_PLAIN_PRODUCTS: tuple[str, ...] = tuple(p for p in PRODUCTS if p != "hopital")


@cache
def prescription_years(product: str, offence_category: str | None) -> int:
    """Legal delay of prescription in years (the poursuites library's versioned data)."""
    kind = OffenceKind.DELIT if offence_category == "delit" else OffenceKind.CONTRAVENTION
    return delai_prescription(Product(product), kind if product == "amendes" else None).annees


def prescription_on(product: str, offence_category: str | None, start: date) -> date:
    return add_years(start, prescription_years(product, offence_category))


def prescription_start_sql(product: Any, taken: Any, last_act_on: Any, last_ack_on: Any) -> ColumnElement:
    """SQL: the start of a créance's running delay, the library's rule (``poursuites.prescription``):
    the prise en charge, or the last interrupting act when later, or the debtor's last acknowledgement
    when later still and the product's prescription is interrupted by it. NULL dates do not count."""
    after_act = case((last_act_on > taken, last_act_on), else_=taken)
    return case((and_(product.in_(ACKNOWLEDGED_PRODUCTS), last_ack_on > after_act), last_ack_on), else_=after_act)


def _prescription_classes() -> list[tuple[int, ColumnElement[bool]]]:
    """(years, condition on the créance) per distinct legal delay, from ``prescription_years``."""
    keys: list[tuple[str, str | None, ColumnElement[bool]]] = [
        ("amendes", "delit", and_(Creance.product == "amendes", Creance.offence_category == "delit")),
        ("amendes", None, and_(Creance.product == "amendes",
                               or_(Creance.offence_category.is_(None), Creance.offence_category != "delit"))),
    ]
    keys += [(p, None, Creance.product == p) for p in _PLAIN_PRODUCTS if p != "amendes"]
    grouped: dict[int, list[ColumnElement[bool]]] = {}
    for product, offence, cond in keys:
        grouped.setdefault(prescription_years(product, offence), []).append(cond)
    return [(y, conds[0] if len(conds) == 1 else or_(*conds)) for y, conds in sorted(grouped.items())]


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _stream(session: Session, stmt: Select) -> Iterator:
    """Rows of a Core select, fetched ``_STREAM`` at a time (server-side cursor on PostgreSQL)."""
    result = session.connection().execute(stmt.execution_options(yield_per=_STREAM))
    for part in result.partitions():
        yield from part




def load_account_summaries(
    session: Session, as_of: date, redevable_ids: Iterable[int] | None = None
) -> list[AccountSummary]:
    """Summaries of the surviving accounts (``merged_into_id IS NULL``), sorted by id.

    ``redevable_ids`` restricts to those accounts (ids of merged accounts are ignored)."""
    roots = famille.Fusions.load(session)
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

    # 1. créances en cours: one row per account, amounts per product by conditional sums, and
    #    the earliest prescription start per legal delay (the delays are poursuites' data)
    postgres = session.get_bind().dialect.name == "postgresql"
    mine = None  # a few accounts: read only their créances' acts and acknowledgements
    if sql_ids is not None:
        mine = (select(Creance.id).join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
                .where(RecordLink.redevable_id.in_(sql_ids)))
    last_act = last_interrupting_act_sql(as_of, mine)
    last_ack = last_acknowledgement_sql(as_of, sqlite=not postgres, creance_ids=mine)
    start = prescription_start_sql(Creance.product, Creance.date_prise_en_charge, last_act.c.on, last_ack.c.on)
    by_years = _prescription_classes()
    product_sums = [func.sum(case((Creance.product == p, Creance.rar_cents), else_=0)) for p in _PLAIN_PRODUCTS]
    hospital_sum = func.sum(case((and_(Creance.product == "secteur_local", Creance.is_hospital), Creance.rar_cents),
                                 else_=0))
    starts = [func.min(case((cond, start))) for _, cond in by_years]
    # structures in charge: an array on PostgreSQL, "3,5" elsewhere (SQLite group_concat)
    in_charge = (type_coerce(func.array_agg(distinct(Creance.structure_id)), NullType()) if postgres
                 else func.group_concat(distinct(Creance.structure_id)))
    creances_q = restrict(
        select(RecordLink.redevable_id, *product_sums, hospital_sum, func.count(),
               func.min(Creance.date_exigibilite), func.max(Creance.date_exigibilite), in_charge, *starts)
        .join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
        .outerjoin(last_act, last_act.c.creance_id == Creance.id)
        .outerjoin(last_ack, last_ack.c.creance_id == Creance.id)
        .where(Creance.status == StatutCreance.EN_COURS, Creance.rar_cents > 0)
        .group_by(RecordLink.redevable_id),
        RecordLink.redevable_id,
    )
    n_products = len(_PLAIN_PRODUCTS)
    years = [y for y, _ in by_years]
    due: dict[int, dict[str, int]] = {}
    hospital: dict[int, int] = {}
    count: dict[int, int] = {}
    oldest: dict[int, date] = {}
    newest: dict[int, date] = {}
    prescription: dict[int, date] = {}
    structures: dict[int, frozenset[str]] = {}
    code_sets: dict[object, frozenset[str]] = {}  # interned: few distinct combinations
    merged_any = bool(roots.merged)
    i_hosp, i_count, i_lo, i_hi, i_struct, i_starts = (1 + n_products + k for k in range(6))
    for row in _stream(session, creances_q):
        rid = roots(row[0]) if merged_any else row[0]
        if rid not in keep:
            continue
        amounts = {p: int(v) for p, v in zip(_PLAIN_PRODUCTS, row[1:i_hosp], strict=False) if v}
        hosp = int(row[i_hosp] or 0)
        n = int(row[i_count])
        lo, hi = row[i_lo], row[i_hi]
        presc = None
        for y, value in zip(years, row[i_starts:], strict=False):
            if value is not None:
                p = add_years(value, y)
                if presc is None or p < presc:
                    presc = p
        raw = row[i_struct]
        key = tuple(raw) if isinstance(raw, list) else raw
        in_charge_codes = code_sets.get(key)
        if in_charge_codes is None:
            ids = raw if isinstance(raw, list) else [int(x) for x in str(raw or "").split(",") if x]
            in_charge_codes = code_sets[key] = frozenset(codes[i] for i in ids if i in codes)
        if rid in count:  # a merged account folded into its survivor
            for p, v in due[rid].items():
                amounts[p] = amounts.get(p, 0) + v
            hosp += hospital[rid]
            n += count[rid]
            lo = min((x for x in (lo, oldest.get(rid)) if x is not None), default=None)
            hi = max((x for x in (hi, newest.get(rid)) if x is not None), default=None)
            if rid in prescription and (presc is None or prescription[rid] < presc):
                presc = prescription[rid]
            in_charge_codes = in_charge_codes | structures.get(rid, frozenset())
        due[rid] = amounts
        hospital[rid] = hosp
        count[rid] = n
        structures[rid] = in_charge_codes
        if lo is not None:
            oldest[rid] = lo
        if hi is not None:
            newest[rid] = hi
        if presc is not None:
            prescription[rid] = presc

    # 2. addresses: source records (dated by address_date, else their last import batch)
    batch_dates = {bid: _as_date(at) for bid, at in session.execute(select(ImportBatch.id, ImportBatch.started_at))}
    addresses: dict[int, list[AddressObservation]] = {}
    records_q = restrict(
        select(RecordLink.redevable_id, SourceRecord.source, SourceRecord.code_insee, SourceRecord.code_postal,
               SourceRecord.address_date, SourceRecord.last_batch_id, SourceRecord.created_at)
        .join(RecordLink, RecordLink.source_record_id == SourceRecord.id)
        .where(or_(SourceRecord.code_insee.is_not(None), SourceRecord.code_postal.is_not(None))),
        RecordLink.redevable_id,
    )
    reliable = SOURCE_RECORD_RELIABILITY
    for rid, source, insee, postcode, address_date, batch_id, created in _stream(session, records_q):
        rid = roots(rid) if merged_any else rid
        if rid not in keep:
            continue
        observed = address_date or batch_dates.get(batch_id) or _as_date(created)
        if observed is None:
            continue
        obs = AddressObservation(observed, source, reliable, insee or None, postcode or None)
        known = addresses.get(rid)
        if known is None:
            addresses[rid] = [obs]
        else:
            known.append(obs)

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
        addresses.setdefault(rid, []).append(AddressObservation(
            _as_date(observed), source, RENSEIGNEMENT_RELIABILITY.get(reliability, Reliability.UNVERIFIED),
            insee or None, postcode or None))

    # 3. flags from the debtor's requests, at as_of
    requests_q = restrict(
        select(Demande.id, Demande.redevable_id, Demande.kind)
        .where(Demande.kind.in_(("contestation", "plan_reglement")), Demande.received_on <= as_of),
        Demande.redevable_id,
    )
    requests = {req_id: (roots(rid), kind) for req_id, rid, kind in _stream(session, requests_q)}
    latest: dict[int, str] = {}
    if requests:
        decisions_q = (
            select(RequestDecision.request_id, RequestDecision.status)
            .join(Demande, Demande.id == RequestDecision.request_id)
            .where(Demande.kind.in_(("contestation", "plan_reglement")), Demande.received_on <= as_of,
                   RequestDecision.decided_on <= as_of)
            .order_by(RequestDecision.request_id, RequestDecision.decided_on, RequestDecision.id)
        )
        if sql_ids is not None:
            decisions_q = decisions_q.where(Demande.redevable_id.in_(sql_ids))
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
            addresses=(tuple(sorted(set(obs), key=_obs_order)) if len(obs) > 1 else tuple(obs)) if obs else (),
            current_structure_codes=structures.get(rid, frozenset()),
        ))
    return out


def _obs_order(o: AddressObservation) -> tuple:
    return (o.observed_on, o.source, o.reliability, o.code_insee or "", o.postcode or "")


__all__ = ["CONTESTATION_CLOSED_STATUSES", "INTERRUPTING_ACT_KINDS", "PLAN_HONOURED_STATUSES", "VOID_ACT_STATUSES",
           "load_account_summaries", "prescription_on", "prescription_years"]
