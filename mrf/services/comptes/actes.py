"""Acts on an account's créances, read once, then what is in force on a date.

:func:`read_acts` reads every act on the créances (``Acte`` / ``ActeLine``), the acts of their SATD
locks, the acts that cancel them and the tiers' answers, in one query per kind of row. From that:

- :func:`interrupting_dates`: per créance, the last act that interrupted prescription (kinds
  ``INTERRUPTING_ACT_KINDS``, issued by the date, not void, not voided by an ``annulation``) and
  the last mise en demeure — the library's input (``CreanceView.last_interrupting_act``);
  :func:`last_interrupting_act_sql` is the same rule in SQL, for the panels' bulk summaries;
- :func:`satd_in_force`: per (créance, tiers), the SATD in force (the lock of the highest
  generation whose act has been neither lifted nor cancelled, nor answered negatively by the
  tiers; an SATD act written without lock rows counts all the same) and the next generation.

An act is ended by a later act whose ``cancels_id`` points to it: a ``mainlevee`` ends its effect
(it still interrupted prescription), an ``annulation`` voids it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session, aliased

from poursuites.catalogue import ActionKind

from ...models import Acte, ActeLine, SatdLock, TiersAnswer
from ..poursuites.vocabulaire import ReponseTiers, TypeActe
from .famille import chunks

#: Acts that interrupt prescription and restart the full delay: the notified acts of poursuite of the
#: library's catalogue, stored as ``Acte.kind`` by ``mrf.services.poursuites`` (an SATD is
#: ``satd_banque`` or ``satd_tiers``).
INTERRUPTING_ACT_KINDS: tuple[str, ...] = (TypeActe.MISE_EN_DEMEURE, TypeActe.SATD_BANQUE, TypeActe.SATD_TIERS,
                                           TypeActe.SAISIE_VENTE)
#: Act statuses that do not count. Acts are append-only and issued ``emis``: a mainlevée or an
#: annulation is a later act whose ``cancels_id`` points to the act it ends (``CANCELLING_ACT_KINDS``);
#: ``annule`` marks an act recorded already void.
VOID_ACT_STATUSES: tuple[str, ...] = ("annule",)
#: Acts that end another act (``cancels_id``): a mainlevée lifts an SATD (which did interrupt
#: prescription); an annulation voids the act (as if never issued).
CANCELLING_ACT_KINDS: tuple[str, ...] = (TypeActe.MAINLEVEE, TypeActe.ANNULATION)
#: Kinds of the SATD acts this service issues (the library's catalogue actions).
SATD_ACT_KINDS: tuple[str, ...] = (ActionKind.SATD_BANQUE.value, ActionKind.SATD_TIERS.value)
#: SATD acts an answer or a mainlevée may point to (``satd``: written by other tools).
ANY_SATD_KINDS: tuple[str, ...] = (TypeActe.SATD, *SATD_ACT_KINDS)
#: Answers of a tiers that end an SATD (nothing to seize there).
NEGATIVE_ANSWERS: tuple[str, ...] = (ReponseTiers.PAS_DE_COMPTE, ReponseTiers.PAS_DE_SALAIRE)
ANSWER_KINDS: tuple[str, ...] = tuple(r.value for r in ReponseTiers)


@dataclass(frozen=True)
class LockInfo:
    """An SATD in force on one créance with one tiers (``generation`` -1: an act without lock rows)."""

    creance_id: int
    renseignement_id: int
    generation: int
    acte_id: int
    issued_on: date


@dataclass
class ActesLus:
    """The acts of some créances as read on a date (rows, not yet interpreted)."""

    acts: dict[int, Acte] = field(default_factory=dict)
    lines: list[tuple[int, int]] = field(default_factory=list)  # (créance id, acte id)
    locks: list[SatdLock] = field(default_factory=list)
    cancelled: dict[int, str] = field(default_factory=dict)  # acte id -> kind of the act that ends it
    negative: dict[int, TiersAnswer] = field(default_factory=dict)  # acte id -> negative answer in force

    def ended(self, acte_id: int) -> bool:
        """True when the act was lifted, cancelled or answered "nothing to seize"."""
        return acte_id in self.cancelled or acte_id in self.negative


def read_acts(session: Session, creance_ids: Iterable[int], on: date) -> ActesLus:
    """Acts on ``creance_ids`` (of one account or many), their locks, cancellations and the tiers'
    answers up to ``on``: one query per kind of row (:func:`split_acts` then gives each account its own)."""
    out = ActesLus()
    for part in chunks(creance_ids):
        for line_cid, acte in session.execute(select(ActeLine.creance_id, Acte).join(Acte, Acte.id == ActeLine.acte_id)
                                              .where(ActeLine.creance_id.in_(part))):
            out.acts[acte.id] = acte
            out.lines.append((line_cid, acte.id))
        out.locks += session.scalars(select(SatdLock).where(SatdLock.creance_id.in_(part)))
    for part in chunks({lk.acte_id for lk in out.locks} - set(out.acts)):
        for acte in session.scalars(select(Acte).where(Acte.id.in_(part))):
            out.acts[acte.id] = acte
    out.cancelled = _cancellations(session, list(out.acts))
    out.negative = _negative_answers(session, list(out.acts), on)
    return out


def split_acts(read: ActesLus, creance_owner: Mapping[int, int]) -> dict[int, ActesLus]:
    """Per root, the acts on its créances only (``creance_owner``: créance id -> root)."""
    out: dict[int, ActesLus] = {root: ActesLus() for root in set(creance_owner.values())}
    for cid, aid in read.lines:
        mine = out[creance_owner[cid]]
        mine.lines.append((cid, aid))
        mine.acts[aid] = read.acts[aid]
    for lk in read.locks:
        mine = out[creance_owner[lk.creance_id]]
        mine.locks.append(lk)
        mine.acts[lk.acte_id] = read.acts[lk.acte_id]
    for mine in out.values():
        mine.cancelled = {aid: kind for aid, kind in read.cancelled.items() if aid in mine.acts}
        mine.negative = {aid: ans for aid, ans in read.negative.items() if aid in mine.acts}
    return out


def _cancellations(session: Session, acte_ids: list[int]) -> dict[int, str]:
    """Acte id -> kind of the act that ends it (an annulation wins over a mainlevée)."""
    cancelled: dict[int, str] = {}
    for part in chunks(acte_ids):
        for target, kind in session.execute(select(Acte.cancels_id, Acte.kind).where(Acte.cancels_id.in_(part))):
            if cancelled.get(target) != TypeActe.ANNULATION:
                cancelled[target] = kind
    return cancelled


def _negative_answers(session: Session, acte_ids: list[int], on: date) -> dict[int, TiersAnswer]:
    """Acte id -> the tiers' negative answer still in force on ``on`` (a later other answer ends it)."""
    negative: dict[int, TiersAnswer] = {}
    for part in chunks(acte_ids):  # an act's answers are all in its own part: their order holds
        for ans in session.scalars(select(TiersAnswer).where(TiersAnswer.acte_id.in_(part),
                                                             TiersAnswer.answered_on <= on)
                                   .order_by(TiersAnswer.answered_on, TiersAnswer.id)):
            if ans.kind in NEGATIVE_ANSWERS:
                negative[ans.acte_id] = ans
            else:
                negative.pop(ans.acte_id, None)
    return negative


def _counts_on(acte: Acte, read: ActesLus, on: date) -> bool:
    """The act was issued by ``on``, is not void, not voided by an annulation, and ends no other act."""
    return not (acte.status in VOID_ACT_STATUSES or read.cancelled.get(acte.id) == TypeActe.ANNULATION
                or acte.issued_on > on or acte.cancels_id is not None)


def interrupting_dates(read: ActesLus, on: date) -> tuple[dict[int, date], dict[int, date]]:
    """(last interrupting act, last mise en demeure) per créance id, on ``on``."""
    last_act: dict[int, date] = {}
    last_mise_en_demeure: dict[int, date] = {}
    for cid, aid in read.lines:
        acte = read.acts[aid]
        if not _counts_on(acte, read, on):
            continue
        if acte.kind in INTERRUPTING_ACT_KINDS and (cid not in last_act or acte.issued_on > last_act[cid]):
            last_act[cid] = acte.issued_on
        if acte.kind == ActionKind.MISE_EN_DEMEURE.value and (
                cid not in last_mise_en_demeure or acte.issued_on > last_mise_en_demeure[cid]):
            last_mise_en_demeure[cid] = acte.issued_on
    return last_act, last_mise_en_demeure


def last_interrupting_act_sql(as_of: date, creance_ids: Any = None) -> Subquery:
    """The SQL form of :func:`interrupting_dates`' last act, for set-based loaders: columns
    ``creance_id`` and ``on``, one row per créance with an act in force (same rule; tested equal).

    ``creance_ids`` (a SELECT of ids, optional) restricts the acts read, for speed."""
    voiding = aliased(Acte)
    voided = select(voiding.cancels_id).where(voiding.cancels_id.is_not(None), voiding.kind == TypeActe.ANNULATION)
    last = (select(ActeLine.creance_id.label("creance_id"), func.max(Acte.issued_on).label("on"))
            .join(Acte, Acte.id == ActeLine.acte_id)
            .where(Acte.kind.in_(INTERRUPTING_ACT_KINDS), Acte.status.not_in(VOID_ACT_STATUSES),
                   Acte.id.not_in(voided), Acte.issued_on <= as_of, Acte.cancels_id.is_(None)))
    if creance_ids is not None:
        last = last.where(ActeLine.creance_id.in_(creance_ids))
    return last.group_by(ActeLine.creance_id).subquery()


def satd_in_force(read: ActesLus, on: date) -> tuple[dict[tuple[int, int], LockInfo], dict[tuple[int, int], int]]:
    """(SATD in force, next lock generation), both by (créance id, renseignement id)."""
    top: dict[tuple[int, int], SatdLock] = {}
    for lk in read.locks:
        key = (lk.creance_id, lk.renseignement_id)
        if key not in top or lk.generation > top[key].generation:
            top[key] = lk
    locks: dict[tuple[int, int], LockInfo] = {}
    next_generation: dict[tuple[int, int], int] = {}
    for key, lk in top.items():
        next_generation[key] = lk.generation + 1
        acte = read.acts.get(lk.acte_id)
        if read.ended(lk.acte_id) or acte is None or acte.status in VOID_ACT_STATUSES:
            continue
        locks[key] = LockInfo(lk.creance_id, lk.renseignement_id, lk.generation, lk.acte_id, acte.issued_on)
    # an SATD act written without lock rows (imported, older tools) is in force all the same
    locked_acts = {lk.acte_id for lk in read.locks}
    for cid, aid in read.lines:
        acte = read.acts[aid]
        if (acte.kind in ANY_SATD_KINDS and aid not in locked_acts and acte.renseignement_id is not None
                and not read.ended(aid) and acte.status not in VOID_ACT_STATUSES
                and acte.issued_on <= on and (cid, acte.renseignement_id) not in locks):
            locks[(cid, acte.renseignement_id)] = LockInfo(cid, acte.renseignement_id, -1, aid, acte.issued_on)
    return locks, next_generation


def negative_answers_by_tiers(read: ActesLus) -> dict[int, TiersAnswer]:
    """Renseignement id -> the latest negative answer in force of that tiers to one of the SATD."""
    answered = [(lk.acte_id, lk.renseignement_id) for lk in read.locks]
    answered += [(aid, read.acts[aid].renseignement_id) for aid in read.negative if read.acts[aid].renseignement_id]
    by_tiers: dict[int, TiersAnswer] = {}
    for aid, tiers_id in answered:
        ans = read.negative.get(aid)
        if ans is not None:
            prev = by_tiers.get(tiers_id)
            if prev is None or ans.answered_on > prev.answered_on:
                by_tiers[tiers_id] = ans
    return by_tiers
