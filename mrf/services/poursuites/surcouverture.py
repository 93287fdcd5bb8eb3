"""Over-seizure: once the sums seized under SATDs cover créances, propose the mainlevée of the acts that
cover them (:func:`poursuites.mainlevee.propose_mainlevees`) and record a total one in one click with the
mainlevée use case (:func:`mrf.services.poursuites.mainlevee.release`: its notice to the tiers and letter to
the debtor, and only by the structure that issued the SATD)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.mainlevee import Mainlevee, propose_mainlevees

from ...extensions import db
from ...models import Imputation, Payment
from ..comptes.consolide import CompteCharge, PoursuitesError, load_account
from ..errors import refus_des_bibliotheques
from . import mainlevee
from .vocabulaire import Payeur


def seized_by_act(session: Session, account: CompteCharge) -> tuple[dict[str, int], dict[int, int]]:
    """(acte id → sums imputed from tiers' payments on that act, créance id → the same per créance);
    reversals are negative lines and cancel their payment."""
    acte_ids = sorted({lk.acte_id for lk in account.locks.values()})
    by_act: dict[str, int] = defaultdict(int)
    by_creance: dict[int, int] = defaultdict(int)
    if not acte_ids:
        return {}, {}
    for acte_id, cid, cents in session.execute(
            select(Payment.acte_id, Imputation.creance_id, Imputation.amount_cents)
            .join(Payment, Payment.id == Imputation.payment_id)
            .where(Payment.acte_id.in_(acte_ids), Payment.payer == Payeur.TIERS.value,
                   Payment.received_on <= account.on)):
        by_act[str(acte_id)] += cents
        by_creance[cid] += cents
    return dict(by_act), dict(by_creance)


def proposals_for(session: Session, account: CompteCharge) -> list[Mainlevee]:
    """The mainlevées the product proposes on the loaded account."""
    satd = account.satd_en_cours()
    if not satd:
        return []
    seized, per_creance = seized_by_act(session, account)
    due = {s.creance_id: int(account.creances[int(s.creance_id)].rar_cents) + per_creance.get(int(s.creance_id), 0)
           for s in satd}
    exigibilite = {s.creance_id: account.creances[int(s.creance_id)].date_exigibilite for s in satd}
    return propose_mainlevees(satd, {k: max(v, 0) for k, v in seized.items()}, due, exigibilite)


@refus_des_bibliotheques(PoursuitesError)
def mainlevees_proposees(redevable_id: int, today: date | None = None) -> list[Mainlevee]:
    """The mainlevées to propose on the account on ``today`` (read only), for its page and the CLI."""
    today = today or date.today()
    with db.new_session() as session:
        return proposals_for(session, load_account(session, redevable_id, today))


@refus_des_bibliotheques(PoursuitesError)
def mainlevees_du_compte(account: CompteCharge) -> list[Mainlevee]:
    """The mainlevées to propose on an account its page has already loaded (no second load)."""
    with db.new_session() as session:
        return proposals_for(session, account)


def record_proposed_mainlevee(redevable_id: int, acte_id: int, agent_id: int | None = None,
                              today: date | None = None) -> mainlevee.Mainlevee:
    """Record the proposed total mainlevée of ``acte_id`` with its documents (refused when the product
    proposes none for it, or when the agent's structure did not issue the SATD)."""
    today = today or date.today()
    proposed = {m.acte_id: m for m in mainlevees_proposees(redevable_id, today)}
    m = proposed.get(str(acte_id))
    if m is None:
        raise PoursuitesError(f"Aucune mainlevée n'est proposée pour la SATD n° {acte_id} à cette date.")
    if not m.totale:
        raise PoursuitesError(f"Mainlevée partielle de la SATD n° {acte_id} : {m.reason} Seule une mainlevée totale "
                              "s'enregistre en un clic : indiquez le montant à lever dans la mainlevée de la SATD.")
    return mainlevee.release(int(acte_id), agent_id, m.reason, today)


__all__ = ["mainlevees_du_compte", "mainlevees_proposees", "proposals_for", "record_proposed_mainlevee"]
