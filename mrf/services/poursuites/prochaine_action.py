"""The next lawful action of each account of the work list, and why: the first step of its poursuites plan.

A plan costs milliseconds to tens of milliseconds per account (the account is loaded with a dozen
queries), too much for every row of every page at every display. So the action of an account is
computed once a day and kept in ``worklist_action``:

- :func:`actions_du_jour` (the page): the stored actions of the rows, the missing ones computed from the
  plan and stored — for a témoin in an office's list, the action of the office's own créances, stored
  under that office;
- :func:`precalculer` (``mrf worklist refresh``, the job « Mise à jour des listes de travail »): the
  actions of the first pages of every structure's list, ahead of the agents;
- the work-list refresh (``comptes.worklist``): an account whose entries are recomputed — it changed: a
  payment, an act, an answer, a request, a renseignement, a situation… — loses its stored action, in
  the same transaction; every account on a full refresh (a new day, a batch match, a panel published).
  A stored action is valid on its ``computed_on`` day only (a plan depends on
  the date: prescription, instalments, delays), and only while the account's entries are those it was
  computed after (``entry_refreshed_at``): a change committed while a plan was being computed makes it
  stale, never shown."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from panels.scope import ScopeGroup
from poursuites.model import euros

from ...extensions import db
from ...models import PanelMember, WorklistAction, WorklistEntry
from ...models.worklist import TOUT_LE_COMPTE
from ..comptes.consolide import CompteCharge, PoursuitesError, load_account, load_accounts
from ..comptes.temoin import own_charge
from ..errors import Refus
from ..panels.perimetre import members_in_group
from .plan import plan_for

CHUNK = 200  # actions computed and stored per transaction when precomputing


@dataclass(frozen=True)
class ProchaineAction:
    action: str | None  # French label of the first step of the plan, None when no action is lawful
    pourquoi: str  # French reason: what the step covers, or why nothing is lawful
    action_kind: str | None = None  # poursuites.catalogue.ActionKind value of the step
    tiers_kind: str | None = None  # poursuites.model.TiersKind value (SATD steps)


def action_of(session: Session, redevable_id: int, today: date,
              structure_id: int | None = None) -> ProchaineAction | None:
    """The first step of the account's coordinated plan on ``today`` (None: the plan cannot be loaded);
    for a témoin in ``structure_id``'s list, of that office's own créances."""
    try:
        return _first_step(_seen_by(load_account(session, redevable_id, today), structure_id))
    except (PoursuitesError, Refus, LookupError):
        return None


def _seen_by(account: CompteCharge, structure_id: int | None) -> CompteCharge:
    """A témoin is handled as without the product: in an office's list, its own créances only."""
    if structure_id is not None and account.scope.is_control:
        return own_charge(account, structure_id)
    return account


def _first_step(account: CompteCharge) -> ProchaineAction:
    plan = plan_for(account)
    if plan.steps:
        step = plan.steps[0]
        n = len(step.creance_ids)
        return ProchaineAction(step.label, f"couvre {n} créance{'s' if n > 1 else ''} pour {euros(step.total_cents)}",
                               step.action.value, step.tiers_kind.value if step.tiers_kind else None)
    reasons = [d.reason for d in plan.decisions.values() if not d.eligible and d.reason]
    return ProchaineAction(None, reasons[0] if reasons else "aucune créance à poursuivre")


def prochaines_actions(redevable_ids: Iterable[int], today: date | None = None,
                       structure_id: int | None = None) -> dict[int, ProchaineAction]:
    """First step of the coordinated plan of each account, computed now (read only); an account the plan
    cannot load is left out. The accounts are read in bulk (one query per kind of row for all of them:
    a page of 50 rows costs one load, not 50); one that the bulk read refuses is read alone.
    ``structure_id``: the office's list a témoin is seen in (its own créances only)."""
    today = today or date.today()
    ids = list(dict.fromkeys(redevable_ids))
    out: dict[int, ProchaineAction] = {}
    with db.new_session() as session:
        try:
            accounts = load_accounts(session, ids, today)
        except (PoursuitesError, Refus, LookupError):
            accounts = {}
        for rid in ids:
            account = accounts.get(rid)
            if account is None:
                action = action_of(session, rid, today, structure_id)
            else:
                try:
                    action = _first_step(_seen_by(account, structure_id))
                except (PoursuitesError, Refus, LookupError):
                    action = None
            if action is not None:
                out[rid] = action
    return out


def _versions(session: Session, ids: list[int]) -> dict[int, datetime]:
    """When the entries of each account were last recomputed (an account's entries are recomputed together)."""
    if not ids:
        return {}
    return dict(session.execute(select(WorklistEntry.redevable_id, func.max(WorklistEntry.refreshed_at))
                                .where(WorklistEntry.redevable_id.in_(ids)).group_by(WorklistEntry.redevable_id)).all())


def stored(session: Session, redevable_ids: Iterable[int], today: date,
           structure_id: int | None = None) -> dict[int, ProchaineAction]:
    """The actions stored for ``today`` and computed since the account's entries were last recomputed
    (``structure_id``: the témoins' actions in that office's list)."""
    ids = list(redevable_ids)
    if not ids:
        return {}
    versions = _versions(session, ids)
    key = TOUT_LE_COMPTE if structure_id is None else structure_id
    return {a.redevable_id: ProchaineAction(a.action, a.pourquoi, a.action_kind, a.tiers_kind)
            for a in session.scalars(select(WorklistAction).where(WorklistAction.redevable_id.in_(ids),
                                                                  WorklistAction.structure_id == key,
                                                                  WorklistAction.computed_on == today))
            if a.entry_refreshed_at == versions.get(a.redevable_id)}


def _compute_and_store(ids: list[int], today: date, structure_id: int | None = None) -> dict[int, ProchaineAction]:
    """Compute the actions of these accounts and keep them (one short transaction), each stamped with the
    version of the account's entries read *before* its plan: an account changed meanwhile gets a newer
    version, so that its stale action is never read (whatever the order of the commits).
    ``structure_id``: témoins seen in that office's list, stored under it."""
    if not ids:
        return {}
    with db.new_session() as session:
        versions = _versions(session, ids)
    actions = prochaines_actions(ids, today, structure_id)
    if not actions:
        return actions
    key = TOUT_LE_COMPTE if structure_id is None else structure_id
    try:
        with db.transaction() as session:
            session.execute(delete(WorklistAction).where(WorklistAction.redevable_id.in_(list(actions)),
                                                         WorklistAction.structure_id == key))
            session.add_all(WorklistAction(redevable_id=rid, structure_id=key, computed_on=today,
                                           entry_refreshed_at=versions.get(rid),
                                           action_kind=a.action_kind, tiers_kind=a.tiers_kind,
                                           action=(a.action or None) and a.action[:200], pourquoi=a.pourquoi[:400])
                            for rid, a in actions.items())
    except IntegrityError:
        pass  # another request stored the same accounts' actions at the same time: theirs are as good
    return actions


def actions_du_jour(redevable_ids: Iterable[int], today: date | None = None,
                    structure_id: int | None = None) -> dict[int, ProchaineAction]:
    """The next action of each account (the rows of a page): stored ones, the others computed and stored.

    ``structure_id``: the list's structure. A témoin is handled as without the product, so its action in
    that list is the first step of the office's own créances, stored under that office (the whole
    account's action is the one of the national view)."""
    today = today or date.today()
    ids = list(dict.fromkeys(redevable_ids))
    temoins: list[int] = []
    if structure_id is not None and ids:
        with db.new_session() as session:
            control = set(session.scalars(members_in_group(ScopeGroup.CONTROL.value)
                                          .where(PanelMember.redevable_id.in_(ids))))
        temoins = [rid for rid in ids if rid in control]
        ids = [rid for rid in ids if rid not in control]
    with db.new_session() as session:
        out = stored(session, ids, today)
        own = stored(session, temoins, today, structure_id) if temoins else {}
    out.update(_compute_and_store([rid for rid in ids if rid not in out], today))
    own.update(_compute_and_store([rid for rid in temoins if rid not in own], today, structure_id))
    return {**out, **own}


def precalculer(first_ids: list[int], progress: Callable[[int, int], None] | None = None,
                today: date | None = None, offices: dict[int, list[int]] | None = None) -> int:
    """Compute and store the actions of these accounts not yet stored today (in chunks); how many were.
    ``offices``: structure → the accounts of the first rows of its list; the témoins among them get their
    action in that office's list too. ``progress(actions up to date, actions)`` after each chunk."""
    today = today or date.today()
    wanted = list(dict.fromkeys(first_ids))
    jobs: list[tuple[int | None, list[int]]] = [(None, wanted)]
    if offices:
        with db.new_session() as session:
            control = set(session.scalars(members_in_group(ScopeGroup.CONTROL.value)))
        jobs += [(sid, [rid for rid in dict.fromkeys(ids) if rid in control]) for sid, ids in sorted(offices.items())]
    todo: list[tuple[int | None, list[int]]] = []
    with db.new_session() as session:
        for sid, ids in jobs:
            known: set[int] = set()
            for i in range(0, len(ids), 5_000):
                known.update(stored(session, ids[i:i + 5_000], today, sid))
            todo.append((sid, [rid for rid in ids if rid not in known]))
    total = sum(len(ids) for _sid, ids in jobs)
    up_to_date = total - sum(len(ids) for _sid, ids in todo)
    if progress is not None:
        progress(up_to_date, total)
    done = 0
    for sid, ids in todo:
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            _compute_and_store(chunk, today, sid)
            done += len(chunk)
            if progress is not None:
                progress(up_to_date + done, total)
    return done
