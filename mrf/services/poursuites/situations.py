"""Situations of a debtor that suspend or stop poursuites (surendettement, rétablissement personnel,
procédure collective, décès): recorded by hand (UI, CLI) or from the source extracts, read by
:func:`mrf.services.comptes.consolide.load_account` as the library's ``CompteConsolide.situations``.

Append-only: a correction is a new row pointing to the row it corrects (``supersedes_id``); the row
in force is the one no other row supersedes. Recording the same situation twice is a no-op."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from poursuites.model import SituationKind, date_fr
from poursuites.situations import regle_situation

from ...extensions import db
from ...models import Situation
from ..admin import audit
from ..comptes import famille
from ..comptes.consolide import AccountNotFound, PoursuitesError
from ..comptes.situations import as_library, rows_in_force

KINDS: tuple[str, ...] = tuple(k.value for k in SituationKind)
MAX_REFERENCE = 64


def libelle(kind: str) -> str:
    """French label of a situation kind (its rule's ``libelle``)."""
    return regle_situation(SituationKind(kind)).libelle


def _check(kind: str, started_on: date, ended_on: date | None, reference: str, today: date) -> None:
    if kind not in KINDS:
        raise PoursuitesError(f"Situation inconnue : « {kind} » (attendu : {', '.join(KINDS)}).")
    if started_on > today:
        raise PoursuitesError(f"Date de la situation dans le futur : {date_fr(started_on)}.")
    if ended_on is not None and ended_on < started_on:
        raise PoursuitesError("La date de fin ne peut précéder la date de la situation.")
    if len(reference) > MAX_REFERENCE:
        raise PoursuitesError(f"Référence trop longue ({MAX_REFERENCE} caractères au plus).")


def add_situation(redevable_id: int, kind: str, started_on: date, reference: str = "", *, source: str = "agent",
                  ended_on: date | None = None, supersedes_id: int | None = None, agent_id: int | None = None,
                  today: date | None = None) -> Situation:
    """Record a situation on the consolidated account (one transaction, audited). Returns the row in force
    (the existing one when the same situation is already recorded)."""
    today = today or date.today()
    reference = (reference or "").strip()
    _check(kind, started_on, ended_on, reference, today)
    with db.transaction() as session:
        root = famille.root_of(session, int(redevable_id))
        if root is None:
            raise AccountNotFound(redevable_id)
        family = famille.family_of(session, root)
        rows = list(session.scalars(select(Situation).where(Situation.redevable_id.in_(family))))
        if supersedes_id is not None and not any(r.id == supersedes_id for r in rows):
            raise PoursuitesError(f"Situation à corriger inconnue pour ce compte : {supersedes_id}.")
        superseded = {r.supersedes_id for r in rows if r.supersedes_id}
        if supersedes_id in superseded:
            raise PoursuitesError(f"La situation {supersedes_id} a déjà été corrigée.")
        for r in rows:
            if (r.id not in superseded and supersedes_id is None and r.kind == kind and r.started_on == started_on
                    and r.reference == reference and r.ended_on == ended_on):
                return r  # idempotent: already recorded
        row = Situation(redevable_id=root, kind=kind, started_on=started_on, ended_on=ended_on, source=source[:32],
                        reference=reference, agent_id=agent_id, supersedes_id=supersedes_id)
        session.add(row)
        session.flush()
        audit.add(session, agent_id, "situation", "redevable", root, {
            "situation_id": row.id, "kind": kind, "date": started_on.isoformat(), "reference": reference,
            "fin": ended_on.isoformat() if ended_on else None, "source": row.source, "corrige": supersedes_id})
        return row


def situations_of(redevable_id: int) -> list[Situation]:
    """The situations in force rows of the account (read only), for pages and the CLI."""
    with db.new_session() as session:
        root = famille.root_of(session, int(redevable_id))
        if root is None:
            raise AccountNotFound(redevable_id)
        rows = rows_in_force(session, famille.family_of(session, root))
        session.expunge_all()
        return rows


__all__ = ["KINDS", "add_situation", "as_library", "libelle", "rows_in_force", "situations_of"]
