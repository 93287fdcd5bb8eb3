"""Lettre de relance and mise en demeure de payer: issued as acts with their numbered, archived letter,
on the créances the coordinated plan proposes for that step. :func:`preview` shows what would be issued
(créances, amounts) without writing anything; :func:`issue` writes it in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from poursuites.catalogue import CATALOGUE, ActionKind
from poursuites.legal import load
from poursuites.model import date_fr, euros

from ...extensions import db
from ...models import Acte, ActeLine, Structure
from ..admin import audit
from ..comptes.consolide import CompteCharge, PoursuitesError, load_account
from ..errors import Refus, refus_des_bibliotheques
from .courriers import Courrier, LigneCreance, comptable_of, lignes, structure_of
from .courriers import issue as issue_letter
from .habilitations import acting_agent
from .perimetre import creances_du_poste, poste_agissant, refus_audite, refuse_hors_poste
from .plan import plan_for

KINDS = {"mise_en_demeure": ActionKind.MISE_EN_DEMEURE, "relance": ActionKind.LETTRE_RELANCE,
         "lettre_relance": ActionKind.LETTRE_RELANCE}


@dataclass(frozen=True)
class Apercu:
    """What an act would contain: its créances and amounts."""

    kind: str
    label: str
    base_legale: str
    creance_ids: tuple[int, ...]
    lines: tuple[LigneCreance, ...]
    total_cents: int


def _kind(kind: str) -> ActionKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Refus(f"Type de courrier inconnu : « {kind} » (attendu : mise_en_demeure, relance).") from None


def _apercu(account: CompteCharge, action: ActionKind, poste: Structure | None = None) -> Apercu:
    plan = plan_for(account)
    # on a témoin, the office's own step (one per office, circuit habituel)
    own = creances_du_poste(account, poste)
    step = next((s for s in plan.steps if s.action is action
                 and (own is None or any(c in own for c in s.creance_ids))), None)
    if step is None:
        raise Refus(f"Le plan coordonné ne prévoit pas de {CATALOGUE[action].label.lower()} sur ce compte au "
                    f"{date_fr(account.on)}.")
    ids = tuple(int(c) for c in step.creance_ids)
    rows = lignes(account.views[c] for c in ids)
    return Apercu(action.value, CATALOGUE[action].label, CATALOGUE[action].base_legale, ids, rows,
                  sum(r.montant_cents for r in rows))


@refus_des_bibliotheques(PoursuitesError)
def preview(redevable_id: int, kind: str, agent_id: int | None, on: date | None = None) -> Apercu:
    action = _kind(kind)
    with db.new_session() as session:
        acting_agent(session, agent_id, redevable_id, what="préparer un courrier")
        account = load_account(session, redevable_id, on or date.today())
        return _apercu(account, action, poste_agissant(session, agent_id))


@refus_des_bibliotheques(PoursuitesError)
def issue(redevable_id: int, kind: str, agent_id: int | None, on: date | None = None) -> tuple[int, str]:
    """Issue the act and its letter; returns (act id, document number)."""
    action = _kind(kind)
    on = on or date.today()
    with refus_audite(agent_id, action.value), db.transaction() as session:
        agent = acting_agent(session, agent_id, redevable_id, what="émettre un courrier")
        account = load_account(session, redevable_id, on)
        poste = poste_agissant(session, agent_id)
        ap = _apercu(account, action, poste)
        refuse_hors_poste(account, poste, ap.creance_ids, CATALOGUE[action].label.lower())
        structure = structure_of(account, list(ap.creance_ids))
        acte = Acte(redevable_id=account.id, kind=action.value, structure_id=structure.id,
                    amount_cents=ap.total_cents, issued_on=on, agent_id=agent.id, status="emis",
                    details={"action": action.value})
        acte.lines = [ActeLine(creance_id=c, amount_cents=account.views[c].rar_cents) for c in ap.creance_ids]
        session.add(acte)
        session.flush()
        if action is ActionKind.MISE_EN_DEMEURE:
            days = int(load("delais")["mise_en_demeure"]["delai_avant_poursuite_jours"])
            body = ("Malgré les avis précédents, les sommes ci-dessous, d'un montant total de "
                    f"{euros(ap.total_cents)}, restent impayées.",
                    f"Je vous mets en demeure de les régler avant le {date_fr(on + timedelta(days=days))}. "
                    "À défaut, des poursuites seront engagées sans autre avis, avec des frais à votre charge.")
            titre = "Mise en demeure de payer"
        else:
            body = (f"Sauf erreur de notre part, les sommes ci-dessous, d'un montant total de "
                    f"{euros(ap.total_cents)}, restent impayées.",
                    "Je vous invite à les régler sans délai ou à prendre contact avec le comptable si vous rencontrez "
                    "des difficultés de paiement.")
            titre = "Lettre de relance"
        courrier = Courrier(titre=titre, objet=f"{ap.label} — {ap.base_legale}", date=on,
                            comptable=comptable_of(account, structure), redevable=account.redevable_view,
                            paragraphes=body, creances=ap.lines, total_cents=ap.total_cents)
        doc = issue_letter(session, action.value, account, structure, courrier, agent.id, acte.id)
        acte.details = {**acte.details, "documents": [doc.number]}
        session.flush()
        audit.add(session, agent.id, action.value, "redevable", account.id,
                  {"acte_id": acte.id, "document": doc.number, "creance_ids": list(ap.creance_ids),
                   "amount_cents": ap.total_cents})
        return acte.id, doc.number


__all__ = ["KINDS", "Apercu", "issue", "preview"]
