"""Refusals of the panel's scope in the poursuites use cases: a comptable acts only on the créances it is
in charge of (:mod:`panels.scope`), a témoin gets no treatment action, two comptables of one treated
account do not send an SATD to the same tiers on the same day.

The témoin's rule is one function, :func:`refuse_hors_poste`: on an account of a control group, the acting
office (the agent's structure, on the web or ``mrf --as LOGIN``) acts only on the créances whose original
comptable it is. Every use case acting on créances calls it inside its transaction, under
:func:`refus_audite`, which writes the refusal to the audit trail once the transaction is rolled back.
Without an identified office (imports, the demo's simulator, a command line run as no agent) there is
nobody to compare with: the rule does not apply."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from panels.scope import ScopeGroup
from poursuites.model import date_fr
from poursuites.plan import PlanStep

from ...models import Agent, Structure
from ..admin import audit
from ..comptes.consolide import CompteCharge, PoursuitesError
from ..errors import Conflit
from .plan import PlanView


class RefusTraitement(PoursuitesError):
    """A treatment action refused by the panel's scope (audited by the use case); the web answers 403."""

    status = 403

    def __init__(self, message: str, redevable_id: int) -> None:
        super().__init__(message)
        self.redevable_id = redevable_id


def poste_agissant(session: Session, agent_id: int | None) -> Structure | None:
    """The office acting: the structure of agent ``agent_id``, else of the command line's author (``--as``)."""
    if agent_id is None:
        from ...audit import actor

        try:
            agent_id = actor.resolve(session).agent_id
        except actor.UnknownActor:  # refused at the command line's start; not this rule's business
            agent_id = None
    agent = session.get(Agent, int(agent_id)) if agent_id is not None else None
    if agent is None or agent.structure_id is None:
        return None
    return session.get(Structure, agent.structure_id)


def origine(account: CompteCharge, creance_id: int | str) -> Structure:
    """The structure of the créance's source record (its comptable d'origine)."""
    return account.structures[account.creances[int(creance_id)].structure_id]


def refuse_hors_poste(account: CompteCharge, poste: Structure | None, creance_ids: Iterable[int | str] | None,
                      action: str) -> None:
    """The control group's rule: on a témoin, ``poste`` acts only on créances whose original comptable it is.
    ``creance_ids`` None: an action on the account as a whole (a renseignement), allowed to an office holding
    at least one of its créances."""
    if poste is None or not account.scope.is_control:
        return
    if creance_ids is None:
        if any(origine(account, c).id == poste.id for c in account.creances):
            return
        others = sorted({c.reference for c in account.creances.values()})
    else:
        others = sorted({account.creances[int(c)].reference for c in creance_ids
                         if int(c) in account.creances and origine(account, c).id != poste.id})
        if not others:
            return
    owners = sorted({origine(account, c.id).code for c in account.creances.values() if c.reference in others})
    raise RefusTraitement(
        f"Refusé ({action}) : redevable du groupe témoin (panel {account.scope.panel_name}) — circuit habituel. "
        f"{poste.code} n'agit que sur les créances dont il est le comptable d'origine ; "
        f"{', '.join(others[:10])}{' …' if len(others) > 10 else ''} relève(nt) de {', '.join(owners)}.",
        account.id)


def creances_du_poste(account: CompteCharge, poste: Structure | None) -> set[str] | None:
    """On a témoin, the ids (text) of the créances ``poste`` may act on; None: no restriction."""
    if poste is None or not account.scope.is_control:
        return None
    return {str(c) for c in account.creances if origine(account, c).id == poste.id}


@contextmanager
def refus_audite(agent_id: int | None, action: str, **details: object) -> Iterator[None]:
    """Wrap a use case's transaction: a :class:`RefusTraitement` is written to the audit trail (in a
    transaction of its own, the use case's being rolled back), then raised again."""
    try:
        yield
    except RefusTraitement as refus:
        audit.record(agent_id, "refus_traitement", "redevable", refus.redevable_id,
                     {"action": action, **details, "motif": str(refus)})
        raise


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
