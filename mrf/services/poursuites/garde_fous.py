"""Legal guards checked on every attempt to issue an SATD, whatever the plan says: no SATD to a tiers
whose sums are unseizable (the CAF), no act on a legal figure still flagged ``a_confirmer``.

The agent's message never names an internal path; the data file to update is logged for the
administrators."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

from sqlalchemy.orm import Session

from poursuites.catalogue import ActionKind
from poursuites.eligibility import check_figures
from poursuites.model import ComptableView, TiersKind
from poursuites.plan import PlanStep
from poursuites.situations import refus_situation, refus_tiers

from ...models import Agent
from ..admin.access import COMPTABLE
from ..comptes.consolide import CompteCharge, PoursuitesError

log = logging.getLogger(__name__)

FIGURE_NON_CONFIRMEE = ("Le barème / le montant du RSA en vigueur n'est pas confirmé ; l'administrateur doit le "
                        "mettre à jour. Aucune SATD ne peut être émise sur ce chiffre.")


def refuse_unseizable_tiers(account: CompteCharge, renseignement_id: int) -> None:
    """Refuse an SATD to a tiers of a kind no SATD may reach (CSS L553-4, CASF L262-48…)."""
    r = account.renseignements.get(renseignement_id)
    if r is None or r.kind not in TiersKind.__members__.values():
        return  # unknown tiers: the plan's own refusal says so
    refus = refus_tiers(TiersKind(r.kind))
    if refus is not None:
        raise PoursuitesError(refus.reason)


def refuse_unconfirmed_figures(step: PlanStep, on: date) -> None:
    """Refuse the SATD of ``step`` while a figure it relies on (RSA, barème) is flagged ``a_confirmer``."""
    for cid in step.creance_ids:
        refused = check_figures(cid, step.action, step.tiers_kind, on)
        if refused is not None:
            log.warning("SATD refusée le %s : chiffre légal non confirmé — %s", on.isoformat(), refused.reason)
            raise PoursuitesError(FIGURE_NON_CONFIRMEE)


def situation_refusals(account: CompteCharge, renseignement_id: int) -> list[str]:
    """Why the debtor's situations forbid an SATD to this tiers, one reason per créance they cover."""
    r = account.renseignements.get(renseignement_id)
    if r is None or not account.situations or r.kind not in TiersKind.__members__.values():
        return []
    kind = TiersKind(r.kind)
    action = ActionKind.SATD_BANQUE if kind is TiersKind.BANQUE else ActionKind.SATD_TIERS
    reasons = []
    for view in account.views.values():
        refus = refus_situation(view, action, account.situations, account.on, kind)
        if refus is not None:
            reasons.append(refus.reason)
    return reasons


def signed_by(session: Session, comptable: ComptableView, agent_id: int | None) -> ComptableView:
    """The comptable of an act with its signatory's name and quality (CRPA L212-1): the issuing agent,
    as comptable public or by delegation of the comptable public."""
    agent = session.get(Agent, agent_id) if agent_id is not None else None
    if agent is None:
        return comptable
    name = (agent.display_name or agent.login).strip()
    quality = "Le comptable public" if agent.role == COMPTABLE else "Pour le comptable public et par délégation"
    return dataclasses.replace(comptable, signataire=name, qualite=quality)
