"""The work list of a structure: its consolidated accounts, with total due, products, nearest
prescription and pending deadlines; filtered, sorted, one page at a time.

One set-based query (no per-account query), built to stay fast with a million debtors on
PostgreSQL:

1. ``mine``: ids of the accounts the structure works on — assigned to it (assignment in force) or
   holding a créance it manages (index ``creance(structure_id, source_record_id)``);
2. ``agg``: per account, over *all* its créances (the consolidated account, every product):
   total due (RAR of créances en cours), products with something due, nearest prescription date
   (start = prise en charge, or the last interrupting act on the créance when later, plus the
   legal delay of ``poursuites/data/delais.toml``);
3. ``deadlines``: per account, the nearest pending deadline: an SATD without the tiers' answer
   (issue date + the tiers' payment delay), a bailiff file without outcome (its due date), a
   debtor's request without decision (its receipt date: to be handled);
4. filter, sort and cut the page (LIMIT/OFFSET) on those aggregates; only then join the
   redevable rows for the names of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, and_, case, exists, func, literal, literal_column, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session, aliased

from poursuites.legal import delais

from ..models import (
    Acte,
    ActeLine,
    Assignment,
    BailiffFile,
    Creance,
    DebtorRequest,
    RecordLink,
    Redevable,
    RequestDecision,
    TiersAnswer,
)
from .account_summary import INTERRUPTING_ACT_KINDS, VOID_ACT_STATUSES, prescription_years

PRODUCTS = ("impots", "amendes", "secteur_local")
PRODUCT_LABELS = {"impots": "Impôts", "amendes": "Amendes", "secteur_local": "Secteur local"}
SATD_KINDS = ("satd", "satd_banque", "satd_tiers")
SORTS = {
    "montant": "Montant dû (décroissant)",
    "montant_croissant": "Montant dû (croissant)",
    "prescription": "Prescription la plus proche",
    "echeance": "Échéance la plus proche",
    "nom": "Nom",
}
PER_PAGE = 50


@dataclass(frozen=True)
class WorklistQuery:
    structure_id: int
    sort: str = "montant"
    product: str | None = None
    min_total_cents: int | None = None
    max_total_cents: int | None = None
    prescription_before: date | None = None
    pending_only: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    def normalised(self) -> WorklistQuery:
        return replace(self, sort=self.sort if self.sort in SORTS else "montant",
                       product=self.product if self.product in PRODUCTS else None,
                       page=max(1, min(self.page, 100_000)), per_page=max(1, min(self.per_page, 200)))


@dataclass(frozen=True)
class WorklistRow:
    redevable_id: int
    nom: str | None
    prenoms: str | None
    date_naissance: date | None
    total_due_cents: int
    products: tuple[str, ...]
    nearest_prescription: date | None
    next_deadline: date | None


@dataclass(frozen=True)
class WorklistPage:
    query: WorklistQuery
    rows: list[WorklistRow] = field(default_factory=list)
    total: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))

    @property
    def has_next(self) -> bool:
        return self.query.page < self.pages


# ------------------------------------------------------------------ dialect-neutral date arithmetic
def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _plus_years(sqlite: bool, value: Any, years: int) -> Any:
    if sqlite:
        return func.date(value, f"+{int(years)} years")
    return type_coerce(value + literal_column(f"interval '{int(years)} years'"), Date)


def _plus_days(sqlite: bool, value: Any, days: int) -> Any:
    if sqlite:
        return func.date(value, f"+{int(days)} days")
    return value + literal(int(days))


def _greatest(sqlite: bool, a: Any, b: Any) -> Any:
    return func.max(a, b) if sqlite else func.greatest(a, b)


@cache
def _delays() -> dict[tuple[str, str | None], int]:
    return {(p, o): prescription_years(p, o) for p in PRODUCTS for o in (None, "contravention", "delit")}


def prescription_expression(sqlite: bool, start: Any) -> Any:
    """SQL: the date prescription is acquired for a créance starting at ``start``."""
    d = _delays()
    amendes_delit = and_(Creance.product == "amendes", Creance.offence_category == "delit")
    whens = [(amendes_delit, _plus_years(sqlite, start, d[("amendes", "delit")])),
             (Creance.product == "amendes", _plus_years(sqlite, start, d[("amendes", None)])),
             (Creance.product == "impots", _plus_years(sqlite, start, d[("impots", None)]))]
    return case(*whens, else_=_plus_years(sqlite, start, d[("secteur_local", None)]))


# ------------------------------------------------------------------ the query
def mine_select(structure_id: int) -> Any:
    newer = aliased(Assignment)
    assigned = (select(Assignment.redevable_id.label("rid"))
                .where(Assignment.structure_id == structure_id)
                .where(~exists().where(newer.redevable_id == Assignment.redevable_id, newer.id > Assignment.id)))
    managed = (select(RecordLink.redevable_id.label("rid"))
               .join(Creance, Creance.source_record_id == RecordLink.source_record_id)
               .where(Creance.structure_id == structure_id))
    return assigned.union(managed)


def fetch(session: Session, query: WorklistQuery, today: date | None = None) -> WorklistPage:
    q = query.normalised()
    sqlite = _is_sqlite(session)
    mine = mine_select(q.structure_id).cte("mine")
    mine_ids = select(mine.c.rid)

    # Last interrupting act per créance, only for acts on the structure's accounts.
    last_act = (select(ActeLine.creance_id.label("creance_id"), func.max(Acte.issued_on).label("d"))
                .join(Acte, Acte.id == ActeLine.acte_id)
                .where(Acte.kind.in_(INTERRUPTING_ACT_KINDS), Acte.status.not_in(VOID_ACT_STATUSES),
                       Acte.redevable_id.in_(mine_ids))
                .group_by(ActeLine.creance_id).cte("last_act"))
    due = and_(Creance.status == "en_cours", Creance.rar_cents > 0)
    start = _greatest(sqlite, Creance.date_prise_en_charge,
                      func.coalesce(last_act.c.d, Creance.date_prise_en_charge))
    agg = (select(mine.c.rid.label("rid"),
                  func.coalesce(func.sum(case((due, Creance.rar_cents), else_=0)), 0).label("total"),
                  *[func.max(case((and_(due, Creance.product == p), 1), else_=0)).label(f"p_{p}") for p in PRODUCTS],
                  func.min(case((due, prescription_expression(sqlite, start)))).label("presc"))
           .select_from(mine)
           .outerjoin(RecordLink, RecordLink.redevable_id == mine.c.rid)
           .outerjoin(Creance, Creance.source_record_id == RecordLink.source_record_id)
           .outerjoin(last_act, last_act.c.creance_id == Creance.id)
           .group_by(mine.c.rid).cte("agg"))

    tiers_days = int(delais("satd")["paiement_tiers_jours"])
    pending_satd = (select(Acte.redevable_id.label("rid"), _plus_days(sqlite, Acte.issued_on, tiers_days).label("d"))
                    .where(Acte.kind.in_(SATD_KINDS), Acte.status.not_in(VOID_ACT_STATUSES),
                           Acte.redevable_id.in_(mine_ids),
                           ~exists().where(TiersAnswer.acte_id == Acte.id)))
    pending_bailiff = (select(Acte.redevable_id.label("rid"), BailiffFile.due_on.label("d"))
                       .join(Acte, Acte.id == BailiffFile.acte_id)
                       .where(BailiffFile.outcome.is_(None), BailiffFile.due_on.is_not(None),
                              Acte.redevable_id.in_(mine_ids)))
    pending_request = (select(DebtorRequest.redevable_id.label("rid"), DebtorRequest.received_on.label("d"))
                       .where(DebtorRequest.redevable_id.in_(mine_ids),
                              ~exists().where(RequestDecision.request_id == DebtorRequest.id)))
    pending = union_all(pending_satd, pending_bailiff, pending_request).subquery("pending")
    deadlines = (select(pending.c.rid.label("rid"), func.min(pending.c.d).label("d"))
                 .group_by(pending.c.rid).cte("deadlines"))

    presc = type_coerce(agg.c.presc, Date)
    deadline = type_coerce(deadlines.c.d, Date)
    conditions = []
    if q.product:
        conditions.append(agg.c[f"p_{q.product}"] == 1)
    if q.min_total_cents is not None:
        conditions.append(agg.c.total >= q.min_total_cents)
    if q.max_total_cents is not None:
        conditions.append(agg.c.total <= q.max_total_cents)
    if q.prescription_before is not None:
        conditions.append(presc <= q.prescription_before)
    if q.pending_only:
        conditions.append(deadlines.c.d.is_not(None))

    if q.sort == "nom":
        base = (select(agg, deadline.label("deadline"))
                .join(Redevable, Redevable.id == agg.c.rid)
                .outerjoin(deadlines, deadlines.c.rid == agg.c.rid))
        order = [Redevable.nom, Redevable.prenoms, agg.c.rid]
    else:
        base = select(agg, deadline.label("deadline")).outerjoin(deadlines, deadlines.c.rid == agg.c.rid)
        order = {
            "montant": [agg.c.total.desc(), agg.c.rid],
            "montant_croissant": [agg.c.total, agg.c.rid],
            "prescription": [agg.c.presc.is_(None), agg.c.presc, agg.c.total.desc(), agg.c.rid],
            "echeance": [deadlines.c.d.is_(None), deadlines.c.d, agg.c.total.desc(), agg.c.rid],
        }[q.sort]
    if conditions:
        base = base.where(and_(*conditions))
    page_q = (base.add_columns(func.count().over().label("n"), func.row_number().over(order_by=order).label("pos"))
              .order_by(*order).limit(q.per_page).offset((q.page - 1) * q.per_page).subquery("page"))
    rows = session.execute(
        select(page_q, Redevable.nom, Redevable.prenoms, Redevable.date_naissance)
        .join(Redevable, Redevable.id == page_q.c.rid).order_by(page_q.c.pos)
    ).all()
    total = rows[0].n if rows else (_count(session, base) if q.page > 1 else 0)
    result = [
        WorklistRow(redevable_id=r.rid, nom=r.nom, prenoms=r.prenoms, date_naissance=r.date_naissance,
                    total_due_cents=int(r.total or 0),
                    products=tuple(p for p in PRODUCTS if getattr(r, f"p_{p}")),
                    nearest_prescription=_as_date(r.presc), next_deadline=_as_date(r.deadline))
        for r in rows
    ]
    return WorklistPage(query=q, rows=result, total=int(total))


def _count(session: Session, base: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def structure_options(session: Session) -> list[tuple[int, str, str]]:
    from ..models import Structure

    return [(s.id, s.code, s.name) for s in session.scalars(select(Structure).order_by(Structure.code))]
