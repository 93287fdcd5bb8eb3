"""The work list of a structure: its consolidated accounts with total due, products, nearest
prescription and pending deadlines; filtered, sorted, one page at a time.

Which accounts: those assigned to the structure (assignment in force) or holding a créance it
manages — the rule of ``access``. What each figure is, per account and over *all* its créances
(the consolidated account, every product; for a témoin of the control group, handled as without the
product, only the structure's own créances and what concerns them: its SATD, the requests and payment
plans naming its créances, the dossiers it handed to a commissaire — ``echeances``):

- total due: reste à recouvrer of the créances ``en_cours``;
- products: those with something due;
- nearest prescription: earliest date prescription is acquired on a créance with something due and
  not yet barred: start = prise en charge, or the last interrupting act in force, or the debtor's
  last acknowledgement, whichever is latest (``comptes.resume.prescription_start_sql``, the SQL form
  of the loader's rules in ``actes`` and ``reconnaissances``), plus the legal delay
  (``poursuites/data/delais.toml``, read through ``comptes.resume.prescription_years``);
- next deadline: an SATD without the tiers' answer (issue date + the tiers' payment delay), a
  debtor's request without decision (the date to answer by), and, computed by the libraries'
  rules in ``echeances``, a missed instalment of a granted payment plan and the next deadline of a
  dossier handed to a commissaire de justice (follow-up, end of phase, phase ended).

Speed with a million debtors: computing those aggregates for a structure of 300,000 accounts takes
seconds, so they are precomputed per (structure, account) in ``worklist_entry`` with one index per
sort order; a page is then an index scan with LIMIT/OFFSET. The entries are a cache kept exact by
``sync``: before each list, the highest ids of every table that feeds them (créances, créance
events, links and link times, assignments, acts, answers, payments, requests, decisions, bailiff
files, ANV, match runs) are compared with the watermarks of the last refresh; the accounts touched
since are recomputed set-based (one INSERT … SELECT per chunk), everything after a new batch match run or
when too many changed. The one change not seen incrementally is a record moved between two accounts
that both stay alive (a split); the next full refresh (``mrf worklist refresh --full``, or any new
batch match run) settles it.

Size (over 400 lines): the SQL projection of the entries and its incremental refresh share
their expressions; prescription is built from the loader's SQL forms, checked against the library by
``tests/mrf/accounts/test_prescription_sql.py`` and ``tests/web/test_worklist.py``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from panels.scope import ScopeGroup
from poursuites.legal import delais

from ...extensions import db
from ...models import (
    Acte,
    AnvDecision,
    Assignment,
    Creance,
    CreanceEvent,
    Demande,
    DossierCommissaire,
    DossierEvenement,
    MatchRun,
    Panel,
    Payment,
    RecordLink,
    Redevable,
    Renseignement,
    RequestDecision,
    Situation,
    Structure,
    TiersAnswer,
    WorklistAction,
    WorklistEntry,
    WorklistState,
)
from ..panels.perimetre import GROUP_LABELS, members_in_group, scopes_of
from ..poursuites.vocabulaire import TypeActe
from . import echeances, famille, priorite
from .actes import VOID_ACT_STATUSES, last_interrupting_act_sql
from .liste import PRODUCTS
from .reconnaissances import last_acknowledgement_sql
from .resume import prescription_start_sql, prescription_years
from .vocabulaire import StatutCreance

SATD_KINDS: tuple[str, ...] = (TypeActe.SATD, TypeActe.SATD_BANQUE, TypeActe.SATD_TIERS)
SORTS = {
    "priorite": "Priorité (urgent et recouvrable d'abord)",
    "montant": "Montant recouvrable (décroissant)",
    "montant_croissant": "Montant recouvrable (croissant)",
    "prescription": "Prescription à venir la plus proche",
    "echeance": "Échéance la plus proche",
    "nom": "Nom",
}
PER_PAGE = 50
CHUNK = 2000  # accounts recomputed per INSERT … SELECT
FULL_REFRESH_ABOVE = 50_000  # more dirty accounts than this: recompute everything
#: A page refreshes at most this many changed accounts itself (a few tenths of a second): more means a
#: large writer (an import's attach, a mass SATD) is at work, and it refreshes the lists as it goes.
PAGE_BUDGET = 100
#: ... and only while such a writer has refreshed the lists less than this long ago (a killed one is not
#: waited for): else the page does it (nobody else is).
PAGE_MAX_LAG = timedelta(seconds=60)
#: Seconds between two refreshes by a large writer (``WriterRefresh``; on SQLite, after each of its steps):
#: new accounts appear within about this.
WRITER_PERIOD = 0.5
#: Seconds between two precomputations of the first pages' next actions by a large writer.
WRITER_ACTIONS_PERIOD = 2.0
COUNT_CAP = 10_000  # filtered lists are counted up to this many accounts


# ------------------------------------------------------------------ reading a page
@dataclass(frozen=True)
class WorklistQuery:
    structure_id: int | None  # None: national view (central administration), each account once
    sort: str = "priorite"
    product: str | None = None
    min_total_cents: int | None = None
    max_total_cents: int | None = None
    prescription_before: date | None = None
    pending_only: bool = False
    group: str | None = None  # panel, control, none (place in the experiment)
    deadline: str | None = None  # kind of the nearest deadline (priorite.DEADLINE_FILTERS)
    page: int = 1
    per_page: int = PER_PAGE

    def normalised(self) -> WorklistQuery:
        return replace(self, sort=self.sort if self.sort in SORTS else "priorite",
                       product=self.product if self.product in PRODUCTS else None,
                       group=self.group if self.group in GROUP_LABELS else None,
                       deadline=self.deadline if self.deadline in priorite.DEADLINE_FILTERS else None,
                       page=max(1, min(self.page, 100_000)), per_page=max(1, min(self.per_page, 200)))


@dataclass(frozen=True)
class WorklistRow:
    redevable_id: int
    nom: str | None
    prenoms: str | None
    date_naissance: date | None
    total_due_cents: int
    products: tuple[str, ...]
    nearest_prescription: date | None  # the next one to come (barred créances are apart)
    next_deadline: date | None
    deadline_kind: str | None = None  # satd, demande, echeancier… (priorite.DEADLINE_KINDS)
    barred_cents: int = 0  # time-barred, proposed for ANV; not in total_due_cents
    employer_known: bool = False
    priority: str = ""  # the priority as a sentence
    group: str = "none"  # panel, control, none
    group_label: str = "Hors panel"


@dataclass(frozen=True)
class WorklistPage:
    query: WorklistQuery
    rows: list[WorklistRow] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False  # more than COUNT_CAP accounts match the filters
    next_page: bool = False
    refreshed_at: datetime | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))

    @property
    def has_next(self) -> bool:
        return self.next_page


def fetch(session: Session, query: WorklistQuery) -> WorklistPage:
    """One page of a structure's work list (call ``sync`` first for up-to-date entries)."""
    q = query.normalised()
    e = WorklistEntry
    if q.structure_id is None:
        # An account's figures are the same in every structure's list: keep one entry per account.
        first = aliased(WorklistEntry)
        conditions = [e.structure_id == select(func.min(first.structure_id))
                      .where(first.redevable_id == e.redevable_id).scalar_subquery()]
    else:
        conditions = [e.structure_id == q.structure_id]
    if q.product:
        conditions.append(getattr(e, f"has_{q.product}") == true())
    if q.min_total_cents is not None:
        conditions.append(e.total_due_cents >= q.min_total_cents)
    if q.max_total_cents is not None:
        conditions.append(e.total_due_cents <= q.max_total_cents)
    if q.prescription_before is not None:
        conditions.append(e.nearest_prescription <= q.prescription_before)
    if q.pending_only:
        conditions.append(e.next_deadline.is_not(None))
    if q.deadline:
        conditions.append(e.deadline_kind.in_(priorite.DEADLINE_FILTERS[q.deadline][1]))
    if q.group == "none":
        conditions.append(e.redevable_id.not_in(members_in_group(None)))
    elif q.group:
        conditions.append(e.redevable_id.in_(members_in_group(q.group)))
    today = date.today()
    order = {
        "priorite": _priority_order(today),
        "montant": [e.total_due_cents.desc(), e.redevable_id.desc()],
        "montant_croissant": [e.total_due_cents.asc(), e.redevable_id.asc()],
        "prescription": [e.nearest_prescription.asc().nulls_last(), e.redevable_id.asc()],
        "echeance": [e.next_deadline.asc().nulls_last(), e.redevable_id.asc()],
        "nom": [e.sort_name.asc(), e.redevable_id.asc()],
    }[q.sort]
    columns = (e.redevable_id, e.total_due_cents, e.has_impots, e.has_amendes, e.has_secteur_local,
               e.nearest_prescription, e.next_deadline, e.deadline_kind, e.barred_cents)
    entries = list(session.execute(select(*columns).where(*conditions).order_by(*order)
                                   .limit(q.per_page + 1).offset((q.page - 1) * q.per_page)))
    has_next = len(entries) > q.per_page
    entries = entries[:q.per_page]
    state = session.get(WorklistState, 1)
    capped = False
    if len(conditions) == 1 and state is not None and q.structure_id is not None:
        total = int((state.counts or {}).get(str(q.structure_id), 0))
    else:
        # Counting 300,000 entries costs more than the page itself: count up to a cap.
        total = int(session.scalar(select(func.count()).select_from(
            select(e.redevable_id).where(*conditions).limit(COUNT_CAP + 1).subquery())) or 0)
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    names = {}
    if entries:
        names = {r.id: r for r in session.execute(
            select(Redevable.id, Redevable.nom, Redevable.prenoms, Redevable.date_naissance)
            .where(Redevable.id.in_([x.redevable_id for x in entries])))}
    scopes = scopes_of(session, [x.redevable_id for x in entries])
    employers: set[int] = set()
    banks: set[int] = set()  # the tiers known weigh in the rank (priorite.sort_key): the sentence says them
    if entries:
        for rid, kind in session.execute(select(Renseignement.redevable_id, Renseignement.kind).where(
                Renseignement.redevable_id.in_([x.redevable_id for x in entries]),
                Renseignement.kind.in_(("employeur", "banque")))):
            (employers if kind == "employeur" else banks).add(rid)
    rows = []
    for x in entries:
        r = names.get(x.redevable_id)
        scope = scopes[x.redevable_id]
        presc, deadline = _as_date(x.nearest_prescription), _as_date(x.next_deadline)
        recoverable, barred = int(x.total_due_cents or 0), int(x.barred_cents or 0)
        employer = x.redevable_id in employers
        rows.append(WorklistRow(
            redevable_id=x.redevable_id, nom=r.nom if r else None, prenoms=r.prenoms if r else None,
            date_naissance=r.date_naissance if r else None, total_due_cents=int(x.total_due_cents or 0),
            products=tuple(p for p in PRODUCTS if getattr(x, f"has_{p}")),
            nearest_prescription=presc, next_deadline=deadline, deadline_kind=x.deadline_kind,
            barred_cents=barred, employer_known=employer,
            priority=priorite.phrase(recoverable, barred, presc, deadline, x.deadline_kind, employer, today,
                                     bank_known=x.redevable_id in banks),
            group=scope.group.value, group_label=scope.label))
    return WorklistPage(query=q, rows=rows, total=total, total_capped=capped, next_page=has_next,
                        refreshed_at=state.refreshed_at if state else None)


def _priority_order(today: date) -> list[Any]:
    """ORDER BY of the rule « Priorité »: the same rule as ``priorite.sort_key``."""
    e = WorklistEntry
    rules = priorite.regles()
    deadline = and_(e.next_deadline <= today + timedelta(days=rules.deadline_days),
                    or_(e.deadline_kind.is_(None), e.deadline_kind.not_in(sorted(priorite.NOT_URGENT_KINDS))))
    urgent = case((and_(e.total_due_cents >= rules.urgency_floor_cents,
                        or_(e.nearest_prescription <= today + timedelta(days=rules.prescription_days), deadline)), 0),
                  else_=1)

    def known(kind: str) -> Any:
        return exists().where(Renseignement.redevable_id == e.redevable_id, Renseignement.kind == kind)

    weight = case((known("employeur"), rules.weights["employeur"]), (known("banque"), rules.weights["banque"]),
                  else_=rules.weights["autre"])
    return [case((e.total_due_cents > 0, 0), else_=1), urgent, (e.total_due_cents * weight).desc(),
            e.redevable_id.desc()]


def first_rows(session: Session, per_structure: int) -> dict[int, list[int]]:
    """Structure → the first ``per_structure`` accounts of its list, in priority order."""
    return {int(sid): list(session.scalars(select(WorklistEntry.redevable_id)
                                           .where(WorklistEntry.structure_id == int(sid))
                                           .order_by(*_priority_order(date.today())).limit(per_structure)))
            for sid in sorted((session.get(WorklistState, 1) or WorklistState()).counts or {}, key=int)}


def first_accounts(session: Session, per_structure: int, rows: dict[int, list[int]] | None = None) -> list[int]:
    """The first ``per_structure`` accounts of every structure's list in priority order (they include the
    first ones of the national view), rank by rank: every structure's first page comes first."""
    tops = list((rows if rows is not None else first_rows(session, per_structure)).values())
    out: dict[int, None] = {}
    for rank in range(per_structure):
        out.update(dict.fromkeys(top[rank] for top in tops if rank < len(top)))
    return list(out)


def structure_options(session: Session) -> list[tuple[int, str, str]]:
    return [(s.id, s.code, s.name) for s in session.scalars(select(Structure).order_by(Structure.code))]


# ------------------------------------------------------------------ dialect-neutral date arithmetic
def _plus_years(sqlite: bool, value: Any, years: int) -> Any:
    if sqlite:
        return func.date(value, f"+{int(years)} years")
    return cast(value + literal_column(f"interval '{int(years)} years'"), Date)


def _plus_days(sqlite: bool, value: Any, days: int) -> Any:
    if sqlite:
        return func.date(value, f"+{int(days)} days")
    return value + literal(int(days), Integer)


@cache
def _delays() -> dict[tuple[str, str | None], int]:
    return {(p, o): prescription_years(p, o) for p in PRODUCTS for o in (None, "contravention", "delit")}


def prescription_expression(sqlite: bool, product: Any, offence: Any, start: Any) -> Any:
    """SQL: the date prescription is acquired for a créance starting at ``start``."""
    d = _delays()
    return case(
        (and_(product == "amendes", offence == "delit"), _plus_years(sqlite, start, d[("amendes", "delit")])),
        (product == "amendes", _plus_years(sqlite, start, d[("amendes", None)])),
        (product == "impots", _plus_years(sqlite, start, d[("impots", None)])),
        else_=_plus_years(sqlite, start, d[("secteur_local", None)]))


# ------------------------------------------------------------------ computing entries
def _entries_select(sqlite: bool, family: list[int] | None, today: date) -> Any:
    """SELECT of the work-list entries of every live account (``family`` None) or of the accounts
    whose ids (with those merged into them) are ``family``."""
    linked = aliased(Redevable)
    root = func.coalesce(linked.merged_into_id, linked.id)
    links = (select(root.label("rid"), RecordLink.source_record_id.label("srid"))
             .join(linked, linked.id == RecordLink.redevable_id))
    if family is not None:
        links = links.where(RecordLink.redevable_id.in_(family))
    links = links.cte("links")
    cre = (select(links.c.rid, Creance.id.label("cid"), Creance.product, Creance.status, Creance.rar_cents,
                  Creance.date_prise_en_charge, Creance.offence_category, Creance.structure_id)
           .join(Creance, Creance.source_record_id == links.c.srid).cte("cre"))
    # Prescription: the account loader's rules in SQL (acts in force, the debtor's acknowledgements),
    # the very building blocks of the panels' summaries; tested equal to the library on the same data.
    mine = select(cre.c.cid) if family is not None else None
    last_act = last_interrupting_act_sql(today, mine)
    last_ack = last_acknowledgement_sql(today, sqlite, mine)
    due = and_(cre.c.status == StatutCreance.EN_COURS, cre.c.rar_cents > 0)
    start = prescription_start_sql(cre.c.product, cre.c.date_prise_en_charge, last_act.c.on, last_ack.c.on)
    presc = prescription_expression(sqlite, cre.c.product, cre.c.offence_category, start)
    # Recoverable = due and not yet time-barred (the library's rule: barred when the date is reached);
    # barred amounts are apart (proposed for ANV) and the nearest prescription is the next one to come.
    on = literal(today, Date)
    recoverable = and_(due, presc > on)
    barred = and_(due, presc <= on)
    # A témoin is handled as without the product: each structure's entry counts its own créances only
    # (owner = the créance's comptable, always the original one for a témoin); NULL: the whole account.
    control = members_in_group(ScopeGroup.CONTROL.value)
    owner = case((cre.c.rid.in_(control), cre.c.structure_id), else_=None).label("owner")
    agg = (select(cre.c.rid, owner,
                  func.sum(case((recoverable, cre.c.rar_cents), else_=0)).label("total"),
                  func.sum(case((barred, cre.c.rar_cents), else_=0)).label("barred"),
                  *[func.max(case((and_(due, cre.c.product == p), 1), else_=0)).label(f"p_{p}") for p in PRODUCTS],
                  func.min(case((recoverable, presc))).label("presc"))
           .select_from(cre).outerjoin(last_act, last_act.c.creance_id == cre.c.cid)
           .outerjoin(last_ack, last_ack.c.creance_id == cre.c.cid)
           .group_by(cre.c.rid, owner).subquery("agg"))

    newer = aliased(Assignment)
    assigned = (select(Assignment.redevable_id.label("rid"), Assignment.structure_id.label("sid"))
                .where(Assignment.structure_id.is_not(None),
                       ~exists().where(newer.redevable_id == Assignment.redevable_id, newer.id > Assignment.id)))
    if family is not None:
        assigned = assigned.where(Assignment.redevable_id.in_(family))
    structures = union(select(cre.c.rid.label("rid"), cre.c.structure_id.label("sid")), assigned).subquery("st")

    tiers_days = int(delais("satd")["paiement_tiers_jours"])
    satd_owner = case((Acte.redevable_id.in_(control), Acte.structure_id), else_=None)
    pending_satd = (select(Acte.redevable_id.label("rid"), satd_owner.label("owner"),
                           _plus_days(sqlite, Acte.issued_on, tiers_days).label("d"), literal("satd").label("k"))
                    .where(Acte.kind.in_(SATD_KINDS), Acte.status.not_in(VOID_ACT_STATUSES),
                           ~exists().where(TiersAnswer.acte_id == Acte.id)))
    rules = priorite.regles(today)
    answer_by = case(*[(Demande.kind == kind, _plus_days(sqlite, Demande.received_on, days))
                       for kind, days in rules.request_days.items()],
                     else_=_plus_days(sqlite, Demande.received_on, rules.default_request_days))
    # A request's deadline is the date the administration must answer by, never its receipt date.
    # a request is the whole account's (it may name créances of several offices); a témoin's naming créances
    # goes to the lists of those créances' offices only (``echeances``)
    pending_request = (select(Demande.redevable_id.label("rid"), literal(None, Integer).label("owner"),
                              answer_by.label("d"), literal("demande").label("k"))
                       .where(~exists().where(RequestDecision.request_id == Demande.id),
                              or_(Demande.redevable_id.not_in(control), _names_no_creance())))
    if family is not None:
        pending_satd = pending_satd.where(Acte.redevable_id.in_(family))
        pending_request = pending_request.where(Demande.redevable_id.in_(family))
    pending = union_all(pending_satd, pending_request).subquery("pending")
    # Earliest deadline and its kind in one aggregate: "YYYY-MM-DD:kind" strings sort as their dates.
    coded = func.min(cast(pending.c.d, String) + literal(":") + pending.c.k)
    by_owner = select(pending.c.rid, pending.c.owner, coded.label("dk")).group_by(pending.c.rid, pending.c.owner)
    deadlines, own_deadlines = by_owner.subquery("dl"), by_owner.subquery("dlo")
    # the account's deadlines (owner NULL) and, for a témoin, the structure's own: the earliest of both
    dk = case((own_deadlines.c.dk.is_(None), deadlines.c.dk), (deadlines.c.dk.is_(None), own_deadlines.c.dk),
              (own_deadlines.c.dk < deadlines.c.dk, own_deadlines.c.dk), else_=deadlines.c.dk)
    deadline_day = func.substr(dk, 1, 10)

    live = aliased(Redevable)
    sort_name = func.upper(func.coalesce(live.nom, "") + " " + func.coalesce(live.prenoms, ""))
    now = datetime.now(UTC)
    return (select(structures.c.sid, structures.c.rid,
                   func.coalesce(agg.c.total, 0),
                   *[func.coalesce(agg.c[f"p_{p}"], 0) == 1 for p in PRODUCTS],
                   agg.c.presc, deadline_day if sqlite else cast(deadline_day, Date),
                   func.substr(dk, 12), func.coalesce(agg.c.barred, 0),
                   func.substr(sort_name, 1, 401), literal(now))
            .select_from(structures)
            .join(live, and_(live.id == structures.c.rid, live.merged_into_id.is_(None)))
            .outerjoin(agg, and_(agg.c.rid == structures.c.rid,
                                 or_(agg.c.owner.is_(None), agg.c.owner == structures.c.sid)))
            .outerjoin(deadlines, and_(deadlines.c.rid == structures.c.rid, deadlines.c.owner.is_(None)))
            .outerjoin(own_deadlines, and_(own_deadlines.c.rid == structures.c.rid,
                                           own_deadlines.c.owner == structures.c.sid)))


_ENTRY_COLUMNS = ["structure_id", "redevable_id", "total_due_cents", "has_impots", "has_amendes",
                  "has_secteur_local", "nearest_prescription", "next_deadline", "deadline_kind", "barred_cents",
                  "sort_name", "refreshed_at"]


def _names_no_creance() -> Any:
    """A request naming no créance (JSON list empty): the whole account's, témoin or not."""
    return or_(Demande.creance_ids.is_(None), func.json_array_length(Demande.creance_ids) == 0)


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def refresh_all(session: Session) -> dict[str, int]:
    """Recompute every entry (inside the caller's transaction); the number of entries per structure."""
    if not _sqlite(session):
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '256MB'"))
    today = date.today()
    session.execute(delete(WorklistEntry))
    session.execute(delete(WorklistAction))  # every account's next action is computed again
    session.execute(insert(WorklistEntry).from_select(_ENTRY_COLUMNS, _entries_select(_sqlite(session), None, today)))
    _apply_deadlines(session, None, today)
    return _counts(session, None)


def _apply_deadlines(session: Session, family: list[int] | None, today: date) -> None:
    """Bring forward the entries' deadline to a missed instalment or a commissaire's dossier deadline
    when it comes first (``echeances``: rules computed by the libraries, not in SQL)."""
    found = echeances.echeances(session, family, today, members_in_group(ScopeGroup.CONTROL.value))
    e = WorklistEntry.__table__.c
    earlier = or_(e.next_deadline.is_(None), e.next_deadline > bindparam("d"))
    for per_office in (False, True):  # every list of the account; one office's list of a témoin
        rows = [{"rid": rid, "sid": sid, "d": d, "k": k} for (rid, sid), (d, k) in found.items()
                if (sid is not None) == per_office]
        if not rows:
            continue
        where = [e.redevable_id == bindparam("rid"), earlier]
        if per_office:
            where.append(e.structure_id == bindparam("sid"))
        session.execute(update(WorklistEntry.__table__).where(*where)
                        .values(next_deadline=bindparam("d"), deadline_kind=bindparam("k")), rows)


def _counts(session: Session, family: list[int] | None) -> dict[str, int]:
    query = select(WorklistEntry.structure_id, func.count()).group_by(WorklistEntry.structure_id)
    if family is not None:
        query = query.where(WorklistEntry.redevable_id.in_(family))
    return {str(sid): int(n) for sid, n in session.execute(query)}


def _family(session: Session, ids: Iterable[int]) -> list[int]:
    return sorted({i for family in famille.families_of(session, ids).values() for i in family})


def _roots(session: Session, ids: Iterable[int]) -> set[int]:
    """Surviving account of each id (follows merged_into_id)."""
    ids = set(ids)
    roots = famille.roots_of(session, ids)
    return {roots.get(i, i) for i in ids}  # an unknown id stands for itself (its entries are dropped)


def refresh_accounts(session: Session, redevable_ids: Iterable[int], counts: dict[str, int]) -> int:
    """Recompute the entries of these accounts (and drop those of accounts merged into them);
    ``counts`` (entries per structure) is updated in place."""
    roots = sorted(_roots(session, redevable_ids))
    sqlite = _sqlite(session)
    for i in range(0, len(roots), CHUNK):
        family = _family(session, roots[i:i + CHUNK])
        chunks = [family[j:j + CHUNK] for j in range(0, len(family), CHUNK)]
        for chunk in chunks:
            for sid, n in _counts(session, chunk).items():
                counts[sid] = counts.get(sid, 0) - n
            session.execute(delete(WorklistEntry).where(WorklistEntry.redevable_id.in_(chunk)))
            # the account changed: its next action is computed again at its next display
            session.execute(delete(WorklistAction).where(WorklistAction.redevable_id.in_(chunk)))
        session.execute(insert(WorklistEntry).from_select(_ENTRY_COLUMNS,
                                                          _entries_select(sqlite, family, date.today())))
        _apply_deadlines(session, family, date.today())
        for chunk in chunks:
            for sid, n in _counts(session, chunk).items():
                counts[sid] = counts.get(sid, 0) + n
    for sid in [k for k, v in counts.items() if v <= 0]:
        del counts[sid]
    return len(roots)


# ------------------------------------------------------------------ keeping entries exact
_ID_WATERMARKS = {
    "creance": Creance.id, "creance_event": CreanceEvent.id, "record_link": RecordLink.id,
    "redevable": Redevable.id, "assignment": Assignment.id, "acte": Acte.id, "tiers_answer": TiersAnswer.id,
    "payment": Payment.id, "debtor_request": Demande.id, "request_decision": RequestDecision.id,
    "bailiff_file": DossierCommissaire.id, "anv_decision": AnvDecision.id, "match_run": MatchRun.id,
    # not in the entries' figures but in their deadlines or in the plan of the next action
    "bailiff_event": DossierEvenement.id, "renseignement": Renseignement.id, "situation": Situation.id,
}


def current_watermarks(session: Session) -> dict[str, Any]:
    columns = [select(func.max(col)).scalar_subquery().label(name) for name, col in _ID_WATERMARKS.items()]
    columns.append(select(func.max(RecordLink.linked_at)).scalar_subquery().label("record_link_at"))
    # a panel published or closed changes the scope (hence the plan) of its members: full refresh
    for status in ("publie", "clos"):
        columns.append(select(func.count()).select_from(Panel).where(Panel.status == status)
                       .scalar_subquery().label(f"panels_{status}"))
    row = session.execute(select(*columns)).one()._mapping
    out: dict[str, Any] = {name: int(row[name] or 0) for name in _ID_WATERMARKS}
    linked_at = row["record_link_at"]
    out["record_link_at"] = linked_at.isoformat() if isinstance(linked_at, datetime) else linked_at
    out["panels"] = f"{int(row['panels_publie'] or 0)}/{int(row['panels_clos'] or 0)}"
    return out


def _dirty(session: Session, old: dict[str, Any], new: dict[str, Any]) -> set[int]:
    """Accounts touched between two sets of watermarks."""
    def moved(name: str) -> bool:
        return new.get(name) != old.get(name)

    queries = []
    cids = []
    if moved("creance"):
        cids.append(select(Creance.id).where(Creance.id > old.get("creance", 0)))
    if moved("creance_event"):
        cids.append(select(CreanceEvent.creance_id).where(CreanceEvent.id > old.get("creance_event", 0)))
    for cid_select in cids:
        queries.append(select(RecordLink.redevable_id)
                       .join(Creance, Creance.source_record_id == RecordLink.source_record_id)
                       .where(Creance.id.in_(cid_select)))
    if moved("record_link"):
        queries.append(select(RecordLink.redevable_id).where(RecordLink.id > old.get("record_link", 0)))
    if moved("record_link_at") and old.get("record_link_at"):
        queries.append(select(RecordLink.redevable_id).where(
            RecordLink.linked_at > datetime.fromisoformat(old["record_link_at"])))
    if moved("redevable"):
        queries.append(select(Redevable.id).where(Redevable.id > old.get("redevable", 0)))
    if moved("assignment"):
        queries.append(select(Assignment.redevable_id).where(Assignment.id > old.get("assignment", 0)))
    for name, model in (("acte", Acte), ("payment", Payment), ("debtor_request", Demande),
                        ("anv_decision", AnvDecision), ("renseignement", Renseignement), ("situation", Situation)):
        if moved(name):
            queries.append(select(model.redevable_id).where(model.id > old.get(name, 0)))
    if moved("tiers_answer"):
        queries.append(select(Acte.redevable_id).join(TiersAnswer, TiersAnswer.acte_id == Acte.id)
                       .where(TiersAnswer.id > old.get("tiers_answer", 0)))
    if moved("bailiff_file"):
        queries.append(select(DossierCommissaire.redevable_id)
                       .where(DossierCommissaire.id > old.get("bailiff_file", 0)))
    if moved("bailiff_event"):
        queries.append(select(DossierCommissaire.redevable_id)
                       .join(DossierEvenement, DossierEvenement.dossier_id == DossierCommissaire.id)
                       .where(DossierEvenement.id > old.get("bailiff_event", 0)))
    if moved("request_decision"):
        queries.append(select(Demande.redevable_id)
                       .join(RequestDecision, RequestDecision.request_id == Demande.id)
                       .where(RequestDecision.id > old.get("request_decision", 0)))
    out: set[int] = set()
    for query in queries:
        out.update(session.scalars(query.distinct().limit(FULL_REFRESH_ABOVE + 1)))
        if len(out) > FULL_REFRESH_ABOVE:
            break
    return out


@dataclass(frozen=True)
class SyncReport:
    mode: str  # aucune, partielle, complete, differee (left to the writer at work: ``accounts`` pending)
    accounts: int = 0


def _new_batch_run(session: Session, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A batch match run re-clusters everything: recompute every entry. Incremental runs only
    attach records, which the link watermarks see."""
    if old.get("panels") != new.get("panels"):
        return True
    return session.scalar(select(func.count()).select_from(MatchRun).where(
        MatchRun.id > old.get("match_run", 0), MatchRun.kind != "incremental")) > 0


def needs_sync(session: Session) -> bool:
    state = session.get(WorklistState, 1)
    return (state is None or state.refreshed_at is None or _as_date(state.refreshed_at) != date.today()
            or state.watermarks != current_watermarks(session))


def sync(full: bool = False, wait: bool = True, budget: int | None = None, writer: bool | None = None) -> SyncReport:
    """Bring the entries up to date with what changed since the last refresh (one transaction).

    ``wait=False`` (pages): when another refresh holds the state row, return at once rather than queue
    behind it — the page shows the entries as they are, and the running refresh or the next page brings
    them up to date (PostgreSQL; SQLite serialises writers anyway). ``budget`` (pages): more changed
    accounts than this, while a large writer refreshes the lists (it did less than ``PAGE_MAX_LAG`` ago),
    is left to it (report ``differee``). ``writer``: True from a large writer at work, False when it ends."""
    for _ in range(2):
        try:
            with db.transaction() as session:
                state = session.scalar(select(WorklistState).where(WorklistState.id == 1)
                                       .with_for_update(skip_locked=not wait))
                if state is None and not wait and session.get(WorklistState, 1) is not None:
                    return SyncReport("aucune")  # being refreshed by someone else
                if state is None:
                    state = WorklistState(id=1, watermarks={}, counts={})
                    session.add(state)
                    session.flush()
                if writer is not None:
                    state.writer_at = datetime.now(UTC) if writer else None
                new = current_watermarks(session)
                old = dict(state.watermarks or {})
                # Prescription depends on the day: entries computed on an earlier day are all recomputed.
                stale_day = state.refreshed_at is None or _as_date(state.refreshed_at) != date.today()
                if not full and old == new and not stale_day:
                    return SyncReport("aucune")
                full = full or stale_day
                now = datetime.now(UTC)
                dirty: set[int] = set()
                if not full and old and not _new_batch_run(session, old, new):
                    dirty = _dirty(session, old, new)
                    full = len(dirty) > FULL_REFRESH_ABOVE
                    if budget is not None and len(dirty) > budget and _recent(state.writer_at, now):
                        return SyncReport("differee", len(dirty))
                else:
                    full = True
                if full:
                    state.counts = refresh_all(session)
                    state.full_refresh_at = now
                    report = SyncReport("complete", session.scalar(select(func.count(func.distinct(
                        WorklistEntry.redevable_id)))) or 0)
                else:
                    counts = dict(state.counts or {})
                    report = SyncReport("partielle", refresh_accounts(session, dirty, counts))
                    state.counts = counts
                state.watermarks = new
                state.refreshed_at = now
                return report
        except IntegrityError:  # two first refreshes raced to create the state row: retry once
            continue
    return SyncReport("aucune")


def sync_if_needed() -> SyncReport:
    """The refresh a page asks for: none when up to date, no waiting behind a refresh under way, and no
    large refresh (``PAGE_BUDGET``) while the writer that caused it refreshes the lists itself."""
    with db.new_session() as session:
        if not needs_sync(session):
            return SyncReport("aucune")
    return sync(wait=False, budget=PAGE_BUDGET)


class WriterRefresh:
    """The refresh of a large writer (an import's attach, a batch of SATD): every ``WRITER_PERIOD`` seconds
    as it goes, without queueing behind a page's refresh (``tick``), and at its end, waiting, so that the
    lists are exact when it ends (``done``). Pages leave it the large refreshes (``PAGE_BUDGET``).

    Every ``WRITER_ACTIONS_PERIOD`` seconds and at the end it also computes the next actions missing on the
    first page of every list (accounts it changed lose theirs, new ones have none): the page an agent
    opens first then reads them instead of computing plans.

    A failure here is logged and does not stop the writer: the lists are a cache, the next page or refresh
    brings them up to date."""

    def __init__(self) -> None:
        self.last = self.last_actions = time.perf_counter()
        # SQLite serialises writers: many small refreshes hold the write lock briefly, pages wait less
        self.period = 0.0 if db.is_sqlite else WRITER_PERIOD
        _quietly(lambda: sync(wait=False, writer=True))  # from now on, pages leave large refreshes to it

    def tick(self) -> None:
        now = time.perf_counter()
        if now - self.last < self.period:
            return
        report = _quietly(lambda: sync(wait=False, writer=True))
        if report is not None and report.mode != "aucune" and now - self.last_actions >= WRITER_ACTIONS_PERIOD:
            _quietly(_first_page_actions)
            self.last_actions = time.perf_counter()
        self.last = time.perf_counter()

    def done(self) -> SyncReport | None:
        report = _quietly(lambda: sync(writer=False))
        _quietly(_first_page_actions)
        return report


def refresh_quietly() -> SyncReport | None:
    """The refresh at the end of a use case that changed many accounts (an import, ``mrf match``): a failure is
    logged, never the use case's (the lists are a cache: the next page or refresh does it)."""
    return _quietly(sync)


def _quietly(step: Callable[[], Any]) -> Any:
    try:
        return step()
    except Exception:  # noqa: BLE001 - a cache refresh never breaks the writer that asked for it
        logging.getLogger(__name__).exception("Mise à jour des listes de travail en échec (reprise plus tard)")
        return None


def _first_page_actions() -> int:
    from ..poursuites.prochaine_action import precalculer  # the plan is built on the accounts, not the reverse

    with db.new_session() as session:
        rows = first_rows(session, PER_PAGE)
        ids = first_accounts(session, PER_PAGE, rows)
    return precalculer(ids, offices=rows)


def _recent(refreshed_at: Any, now: datetime) -> bool:
    if refreshed_at is None:
        return False
    if refreshed_at.tzinfo is None:  # SQLite keeps no time zone: stored as UTC
        refreshed_at = refreshed_at.replace(tzinfo=UTC)
    return now - refreshed_at < PAGE_MAX_LAG


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
