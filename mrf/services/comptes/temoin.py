"""A témoin (control group) seen by one office: handled as without the product, each office sees
only its own créances and what is about them (issue 17, « business as usual »). Used by the account
page (:mod:`.vue`) to cut the loaded account down before the page and the plan are built on it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Acte, ActeLine, Agent, Document, Imputation, Payment
from .consolide import CompteCharge


@dataclass
class Own:
    """One office's part of a témoin: its créances (the loaded account cut down to them) and the ids of
    the acts, payments and documents about them."""

    office: int
    charge: CompteCharge
    acte_ids: set[int]
    payment_ids: set[int]
    document_ids: set[int]


def own_charge(account: CompteCharge, office: int) -> CompteCharge:
    """The loaded account cut down to the créances whose comptable is ``office`` (no query): what the plan
    of that office of a témoin is built on."""
    mine = {cid: c for cid, c in account.creances.items() if account.comptable_for(c).id == office}
    return replace(
        account, creances=mine, views={cid: v for cid, v in account.views.items() if cid in mine},
        locks={k: v for k, v in account.locks.items() if v.creance_id in mine},
        anv={cid: d for cid, d in account.anv.items() if cid in mine},
        contested={cid for cid in account.contested if cid in mine})


def own_part(session: Session, account: CompteCharge, ids: list[int], office: int) -> Own:
    """The créances of a témoin whose comptable is ``office`` (a témoin's comptable is always the
    original one), and what is about them: an act covering one of them or issued by the office, a
    payment imputed on one of them or answering such an act, a document of such an act (or, without
    act, made by an agent of the office)."""
    mine = own_charge(account, office).creances
    covered = set(session.scalars(select(ActeLine.acte_id).join(Acte, Acte.id == ActeLine.acte_id)
                                  .where(Acte.redevable_id.in_(ids), ActeLine.creance_id.in_(list(mine) or [-1]))))
    acte_ids = covered | set(session.scalars(select(Acte.id).where(Acte.redevable_id.in_(ids),
                                                                   Acte.structure_id == office)))
    imputed = (select(Imputation.payment_id).join(Payment, Payment.id == Imputation.payment_id)
               .where(Payment.redevable_id.in_(ids), Imputation.creance_id.in_(list(mine) or [-1])))
    payment_ids = set(session.scalars(imputed))
    payment_ids |= set(session.scalars(select(Payment.id).where(Payment.redevable_id.in_(ids),
                                                                Payment.acte_id.in_(list(acte_ids) or [-1]))))
    document_ids = {d_id for d_id, acte_id, agent_structure in session.execute(
        select(Document.id, Document.acte_id, Agent.structure_id).outerjoin(Agent, Agent.id == Document.agent_id)
        .where(Document.redevable_id.in_(ids)))
        if (acte_id in acte_ids if acte_id is not None else agent_structure == office)}
    charge = replace(own_charge(account, office), acts={aid: a for aid, a in account.acts.items() if aid in acte_ids})
    return Own(office=office, charge=charge, acte_ids=acte_ids, payment_ids=payment_ids, document_ids=document_ids)


def _about(creance_ids: Iterable[Any] | None, own: set[int]) -> bool:
    """Whether a request or proposal naming ``creance_ids`` concerns the office (none named: the whole account)."""
    ids = {int(i) for i in creance_ids or ()}
    return not ids or bool(ids & own)


def decisions_seen(decisions: dict[str, Any], own_creances: set[int], acte_ids: set[int]) -> dict[str, Any]:
    """The account page's « Décisions » section cut down to one office of a témoin: the requests and ANV
    proposals about its créances, the SATD in force it sees."""
    return {**decisions,
            "requests": [(d, latest) for d, latest in decisions["requests"] if _about(d.creance_ids, own_creances)],
            "proposals": [(p, v) for p, v in decisions["proposals"] if _about(p.creance_ids, own_creances)],
            "satd": [row for row in decisions["satd"] if row[0].id in acte_ids]}
