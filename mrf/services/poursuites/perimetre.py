"""Refusals of the panel's scope in the poursuites use cases: a comptable acts only on the créances it is
in charge of (:mod:`panels.scope`), a témoin gets no treatment action, two comptables of one treated
account do not send an SATD to the same tiers on the same day."""

from __future__ import annotations

from panels.scope import ScopeGroup
from poursuites.model import date_fr
from poursuites.plan import PlanStep

from ..comptes.consolide import CompteCharge, PoursuitesError
from ..errors import Conflit
from .plan import PlanView


class RefusTraitement(PoursuitesError):
    """A treatment action refused by the panel's scope (audited by the use case)."""

    def __init__(self, message: str, redevable_id: int) -> None:
        super().__init__(message)
        self.redevable_id = redevable_id


class SatdMemeJour(PoursuitesError, Conflit):
    """Another comptable of the account sent an SATD to this tiers today."""


def refus_hors_perimetre(account: CompteCharge, view: PlanView, structure_code: str) -> RefusTraitement:
    """Why ``structure_code`` may not issue the SATD planned for this tiers: none of its créances is in it."""
    mine = sorted({c.reference for c in account.creances.values() if account.comptable_for(c).code == structure_code})
    if account.scope.is_control:
        head = (f"Refusé : redevable du groupe témoin (panel {account.scope.panel_name}) — circuit habituel. "
                "Chaque poste poursuit ses seules créances, avec ses propres actes ; aucune SATD commune entre "
                "postes ni action mutualisée pour un témoin.")
    elif account.assigned is not None and not mine:
        head = (f"Compte confié à {account.assigned.name} ({account.assigned.code}) pour les "
                f"{account.scope.categories_label} : seule cette structure émet leurs SATD ({account.scope.label}).")
    else:
        head = (f"Refusé : {structure_code} n'est comptable d'aucune créance visée par la SATD prévue pour ce tiers "
                f"({account.scope.label}).")
    detail = (f" Créances dont {structure_code} est comptable : {', '.join(mine)}." if mine
              else f" {structure_code} n'est comptable d'aucune créance de ce compte.")
    return RefusTraitement(head + detail, account.id)


def refuse_same_day_satd(account: CompteCharge, view: PlanView, step: PlanStep, rid: int) -> None:
    """Coordination of a treated account's comptables: no second SATD to one tiers on one day (the second
    comptable sees the first's act in force and issues the next day). Only treated accounts are coordinated."""
    if account.scope.group is not ScopeGroup.PANEL:
        return  # témoin and hors panel: business as usual, each office on its own
    mine = view.step_comptable(step)
    tiers = {int(t.id) for t in step.tiers} | {rid}
    for lock in account.locks.values():
        other = view.lock_comptables.get(lock.acte_id)
        if lock.renseignement_id in tiers and lock.issued_on == account.on and other and other != mine:
            r = account.renseignements.get(lock.renseignement_id)
            name = (r.name if r is not None else None) or "ce tiers"
            raise SatdMemeJour(
                f"SATD déjà notifiée le {date_fr(account.on)} à {name} par {other} (acte n° {lock.acte_id}) : "
                f"pour ne pas adresser deux SATD au même tiers le même jour, celle de {mine} est à émettre à partir "
                "du lendemain.")


def steps_to_issue(account: CompteCharge, view: PlanView, rid: int) -> list[PlanStep]:
    """The SATD steps to this tiers issued when no comptable is named: every office's for an account in no
    panel or a témoin (each its own act); for a treated account only one, the assigned structure's first
    (the others the next day: no two SATD to one tiers on one day)."""
    steps = [s for s in view.satd_steps if any(t.id == str(rid) for t in s.tiers)]
    if account.scope.group is ScopeGroup.PANEL and len(steps) > 1:
        mine = [s for s in steps if account.assigned is not None and view.step_comptable(s) == account.assigned.code]
        return (mine or steps)[:1]
    return steps
