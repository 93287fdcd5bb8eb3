"""Mainlevée of an SATD, total or partial, with its documents (notice to the tiers détenteur and letter
to the debtor), from the account page or ``mrf satd release``.

- total: a new act ``mainlevee`` whose ``cancels_id`` ends the SATD (its lock is released);
- partial: a new act ``mainlevee_partielle`` (no ``cancels_id``: the SATD stays in force for the rest)
  for an amount below what the SATD still holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from poursuites.model import date_fr, euros

from ...extensions import db
from ...models import Acte, Renseignement, Structure
from ..admin import audit
from ..comptes.consolide import ANY_SATD_KINDS, PoursuitesError, load_account
from ..errors import Conflit, Interdit, Introuvable, Refus, refus_des_bibliotheques
from .courriers import Courrier, comptable_of, issue, lignes
from .habilitations import acting_agent, reason_required

PARTIELLE = "mainlevee_partielle"


@dataclass(frozen=True)
class Mainlevee:
    acte_id: int
    satd_id: int
    amount_cents: int
    partial: bool
    documents: tuple[str, ...]
    document_ids: tuple[int, ...]


def held(session, acte: Acte) -> int:  # noqa: ANN001
    """What an SATD still holds: its amount minus its partial mainlevées."""
    released = sum(a.amount_cents for a in session.scalars(
        select(Acte).where(Acte.kind == PARTIELLE, Acte.redevable_id == acte.redevable_id))
        if (a.details or {}).get("satd_id") == acte.id)
    return int(acte.amount_cents) - released


@refus_des_bibliotheques(PoursuitesError)
def release(acte_id: int, agent_id: int | None, motif: str, on: date | None = None,
            partial_cents: int | None = None) -> Mainlevee:
    """Lift SATD ``acte_id`` (all of it, or ``partial_cents``), with its two documents, in one transaction."""
    on = on or date.today()
    text = reason_required(motif, "la mainlevée")
    with db.transaction() as session:
        acte = session.get(Acte, int(acte_id))
        if acte is None or acte.kind not in ANY_SATD_KINDS:
            raise Introuvable(f"SATD inconnue : {acte_id}.")
        agent = acting_agent(session, agent_id, acte.redevable_id, what="lever une SATD")
        if acte.structure_id is not None and agent.structure_id != acte.structure_id:
            issuer = session.get(Structure, acte.structure_id)
            raise Interdit(f"Seul le comptable qui a émis la SATD ({issuer.name}) peut en donner mainlevée.")
        done = session.scalar(select(Acte).where(Acte.cancels_id == acte.id).limit(1))
        if done is not None:
            raise Conflit(f"SATD déjà levée ou annulée (acte n° {done.id} du {date_fr(done.issued_on)}).")
        if on < acte.issued_on:
            raise Refus("La mainlevée ne peut précéder la SATD.")
        remaining = held(session, acte)
        if partial_cents is not None:
            if isinstance(partial_cents, bool) or not isinstance(partial_cents, int) or partial_cents <= 0:
                raise Refus("Montant de la mainlevée partielle illisible : un montant positif est attendu.")
            if partial_cents >= remaining:
                raise Refus(f"Mainlevée partielle de {euros(partial_cents)} : elle doit rester inférieure à ce que "
                            f"la SATD retient encore ({euros(remaining)}) ; sinon, faites une mainlevée totale.")
        amount = remaining if partial_cents is None else partial_cents
        kind = "mainlevee" if partial_cents is None else PARTIELLE
        new = Acte(redevable_id=acte.redevable_id, kind=kind, structure_id=acte.structure_id,
                   renseignement_id=acte.renseignement_id, amount_cents=amount, issued_on=on, agent_id=agent.id,
                   status="emis", cancels_id=acte.id if partial_cents is None else None,
                   details={"motif": text, "satd_id": acte.id, "reste_cents": remaining - amount})
        session.add(new)
        session.flush()
        account = load_account(session, acte.redevable_id, on)
        structure = session.get(Structure, acte.structure_id) if acte.structure_id else account.assigned
        tiers = session.get(Renseignement, acte.renseignement_id) if acte.renseignement_id else None
        tiers_name = tiers.name if tiers is not None and tiers.name else "le tiers détenteur"
        views = [account.views[line.creance_id] for line in acte.lines if line.creance_id in account.views]
        what = "totale" if partial_cents is None else "partielle"
        reste = ("La saisie est levée en totalité : vous pouvez de nouveau disposer librement des sommes."
                 if partial_cents is None else
                 f"La saisie reste en vigueur pour {euros(remaining - amount)}.")
        common = dict(date=on, comptable=comptable_of(account, structure), redevable=account.redevable_view,
                      creances=lignes(views), mentions=(f"Motif : {text}",))
        to_tiers = Courrier(
            titre=f"Mainlevée {what} de saisie administrative à tiers détenteur",
            objet=f"SATD n° {acte.id} du {date_fr(acte.issued_on)} — à l'attention de {tiers_name}",
            paragraphes=(f"Je vous donne mainlevée {what} de la saisie administrative à tiers détenteur n° {acte.id} "
                         f"notifiée le {date_fr(acte.issued_on)}, pour un montant de {euros(amount)}.", reste),
            total_cents=None, **common)
        to_debtor = Courrier(
            titre=f"Information : mainlevée {what} de saisie",
            objet=f"SATD n° {acte.id} du {date_fr(acte.issued_on)} auprès de {tiers_name}",
            paragraphes=(f"J'ai donné ce jour à {tiers_name} mainlevée {what} de la saisie n° {acte.id} du "
                         f"{date_fr(acte.issued_on)}, pour {euros(amount)}.", reste),
            total_cents=None, **common)
        docs = [issue(session, "mainlevee", account, structure, c, agent.id, new.id) for c in (to_tiers, to_debtor)]
        new.details = {**new.details, "documents": [d.number for d in docs]}
        session.flush()
        audit.add(session, agent.id, kind, "acte", acte.id,
                  {"acte_id": new.id, "motif": text, "amount_cents": amount, "documents": [d.number for d in docs]})
        return Mainlevee(new.id, acte.id, amount, partial_cents is not None, tuple(d.number for d in docs),
                         tuple(d.id for d in docs))


__all__ = ["PARTIELLE", "Mainlevee", "held", "release"]
