"""The next lawful action of each account of a work-list page, and why (the poursuites plan)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from poursuites.model import euros

from ...extensions import db
from ..comptes.consolide import PoursuitesError, load_account
from ..errors import Refus
from .plan import plan_for


@dataclass(frozen=True)
class ProchaineAction:
    action: str | None  # French label of the first step of the plan, None when no action is lawful
    pourquoi: str  # French reason: what the step covers, or why nothing is lawful


def prochaines_actions(redevable_ids: Iterable[int], today: date | None = None) -> dict[int, ProchaineAction]:
    """First step of the coordinated plan of each account (read only); an account the plan cannot load
    is left out."""
    today = today or date.today()
    out: dict[int, ProchaineAction] = {}
    with db.new_session() as session:
        for rid in redevable_ids:
            try:
                plan = plan_for(load_account(session, rid, today))
            except (PoursuitesError, Refus, LookupError):
                continue
            if plan.steps:
                step = plan.steps[0]
                n = len(step.creance_ids)
                out[rid] = ProchaineAction(step.label, f"couvre {n} créance{'s' if n > 1 else ''} "
                                                      f"pour {euros(step.total_cents)}")
            else:
                reasons = [d.reason for d in plan.decisions.values() if not d.eligible and d.reason]
                out[rid] = ProchaineAction(None, reasons[0] if reasons else "aucune créance à poursuivre")
    return out
