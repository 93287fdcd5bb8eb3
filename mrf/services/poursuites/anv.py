"""Admission en non-valeur on the debtor's whole situation, maker-checker.

- :func:`propose` — an agent (or a comptable) proposes, with the grounds: insolvency found, searches
  done, amounts, nearest prescription; one ``AnvProposition`` + one ``AnvDecision`` ``proposee`` per
  créance (the account's ANV state);
- :func:`decide` — the comptable accepts or rejects: never the proposer, never an agent; an
  ``AnvVerdict`` + one ``AnvDecision`` ``admise``/``refusee`` per créance;
- :func:`better_fortune` — an ANV is not an extinction: a renseignement or payment arriving after the
  admission is a "retour à meilleure fortune", flagged on the account (recovery may resume, ``reprise``);
- :func:`listing` — the admitted ANV per creditor (each commune, hospital, the State), for CSV and PDF.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.anv import MotifAnv
from poursuites.anv import propose_anv as library_propose_anv
from poursuites.documents import html_to_pdf, render_html
from poursuites.model import Product, date_fr, euros

from ...extensions import db
from ...models import AnvDecision, AnvProposition, AnvVerdict, Creance, Payment, Redevable, Renseignement
from ..admin import audit
from ..admin.access import User, redevable_filter
from ..comptes import famille
from ..comptes.consolide import PoursuitesError, load_account
from ..errors import Conflit, Interdit, Introuvable, Refus, refus_des_bibliotheques
from .habilitations import acting_agent, comptable, reason_required
from .perimetre import creances_du_poste, poste_agissant, refus_audite, refuse_hors_poste
from .plan import plan_for
from .vocabulaire import DECIDEUR_ANV_LABELS

_DECIDERS = {Product.IMPOTS: "comptable", Product.AMENDES: "comptable_cour_des_comptes",
             Product.SECTEUR_LOCAL: "assemblee_deliberante"}
MOTIFS = {m.value: m.label for m in MotifAnv}


@refus_des_bibliotheques(PoursuitesError)
def propose(redevable_id: int, motif: str, insolvabilite: str, recherches: str, agent_id: int | None,
            on: date | None = None) -> AnvProposition:
    """The agent's proposal on the whole situation, with its grounds."""
    on = on or date.today()
    try:
        ground = MotifAnv(motif)
    except ValueError:
        raise Refus(f"Motif d'ANV inconnu : « {motif} » (attendu : {', '.join(MOTIFS)}).") from None
    found = reason_required(insolvabilite, "l'insolvabilité constatée (pièce ou constat)")
    searched = reason_required(recherches, "les recherches effectuées")
    with refus_audite(agent_id, "anv"), db.transaction() as session:
        agent = acting_agent(session, agent_id, redevable_id, what="proposer une admission en non-valeur")
        account = load_account(session, redevable_id, on)
        poste = poste_agissant(session, agent_id)
        refuse_hors_poste(account, poste, None, "proposition d'ANV")  # on a témoin: an office with no créance
        mine = creances_du_poste(account, poste)  # on a témoin, the office proposes for its own créances
        if any(d.status == "proposee" for d in account.anv.values()):
            raise Conflit("Une proposition d'admission en non-valeur est déjà en attente de décision sur ce compte.")
        views = [v for v in account.compte().creances if mine is None or v.id in mine]
        cfg = account.config
        proposal = library_propose_anv(str(account.id), views, ground, on, found, cfg.anv_montant_faible_max_cents,
                                       cfg.delegated(v.creditor_code for v in views))
        plan = plan_for(account)
        prescription = "aucune prescription calculable"
        if plan.nearest_prescription:
            ref = plan.creances[plan.nearest_prescription_creance_id].reference
            prescription = f"{date_fr(plan.nearest_prescription)} ({ref})"
        lines = []
        for line in proposal.lines:
            c = account.creances[int(line.creance_id)]
            decider = "executif_delegation" if line.delegation else _DECIDERS[line.product]
            lines.append({"creance_id": c.id, "reference": c.reference, "amount_cents": line.amount_cents,
                          "decider": decider, "creditor_code": c.creditor_code, "creditor_name": c.creditor_name,
                          "product": c.product})
        row = AnvProposition(
            redevable_id=account.id, structure_id=agent.structure_id, motif=ground.value,
            grounds={"insolvabilite": found, "recherches": searched, "prescription": prescription,
                     "explication": proposal.explanation,
                     "exclues": [[account.creances[int(c)].reference, r] for c, r in proposal.excluded]},
            creance_ids=[line["creance_id"] for line in lines], lines=lines, total_cents=proposal.total_cents,
            proposed_on=on, agent_id=agent.id)
        session.add(row)
        for line in lines:
            session.add(AnvDecision(redevable_id=account.id, creance_id=line["creance_id"], status="proposee",
                                    ground=ground.value, decider=line["decider"], amount_cents=line["amount_cents"],
                                    decided_on=on, comment=found, agent_id=agent.id))
        session.flush()
        audit.add(session, agent.id, "anv_proposition", "redevable", account.id,
                  {"proposition_id": row.id, "motif": ground.value, "total_cents": row.total_cents,
                   "creance_ids": row.creance_ids})
        return row


@refus_des_bibliotheques(PoursuitesError)
def decide(proposition_id: int, accept: bool, reason: str, agent_id: int | None,
           on: date | None = None) -> AnvVerdict:
    """The comptable's verdict on a proposal (maker-checker: never the proposer)."""
    on = on or date.today()
    text = reason_required(reason)
    with db.transaction() as session:
        prop = session.get(AnvProposition, int(proposition_id))
        if prop is None:
            raise Introuvable(f"Proposition d'admission en non-valeur inconnue : {proposition_id}.")
        agent = comptable(session, agent_id, prop.redevable_id, "décider une admission en non-valeur")
        if agent.id == prop.agent_id:
            raise Interdit("Contrôle à deux niveaux : l'auteur de la proposition ne peut pas la décider.")
        done = session.scalar(select(AnvVerdict).where(AnvVerdict.proposition_id == prop.id))
        if done is not None:
            raise Conflit(f"Proposition déjà décidée le {date_fr(done.decided_on)}.")
        if on < prop.proposed_on:
            raise Refus("La décision ne peut précéder la proposition.")
        account = load_account(session, prop.redevable_id, on)
        status = "admise" if accept else "refusee"
        for cid in prop.creance_ids:
            current = account.anv.get(int(cid))
            if current is None or current.status != "proposee":
                continue
            session.add(AnvDecision(redevable_id=account.id, creance_id=int(cid), status=status, ground=prop.motif,
                                    decider=current.decider, amount_cents=int(account.creances[int(cid)].rar_cents),
                                    decided_on=on, comment=text, agent_id=agent.id))
        verdict = AnvVerdict(proposition_id=prop.id, accepted=accept, decided_on=on, reason=text, agent_id=agent.id)
        session.add(verdict)
        session.flush()
        audit.add(session, agent.id, "anv_decision", "redevable", account.id,
                  {"proposition_id": prop.id, "status": status, "creance_ids": prop.creance_ids})
        return verdict


@dataclass(frozen=True)
class Signal:
    """A sign of "retour à meilleure fortune" after an ANV."""

    on: date
    what: str


def better_fortune(session: Session, redevable_id: int) -> list[Signal]:
    """New renseignements or payments dated after the last admission en non-valeur still in force."""
    family = famille.family_of(session, redevable_id)
    latest: dict[int, AnvDecision] = {}
    for d in session.scalars(select(AnvDecision).where(AnvDecision.redevable_id.in_(family))
                             .order_by(AnvDecision.decided_on, AnvDecision.id)):
        latest[d.creance_id] = d
    admitted = [d.decided_on for d in latest.values() if d.status == "admise"]
    if not admitted:
        return []
    since = max(admitted)
    out = [Signal(r.observed_on, f"Nouveau renseignement ({r.kind}{' — ' + r.name if r.name else ''})")
           for r in session.scalars(select(Renseignement).where(Renseignement.redevable_id.in_(family),
                                                                Renseignement.observed_on > since))]
    out += [Signal(p.received_on, f"Paiement de {euros(p.amount_cents)}")
            for p in session.scalars(select(Payment).where(Payment.redevable_id.in_(family),
                                                           Payment.received_on > since))]
    return sorted(out, key=lambda s: s.on)


def pending(session: Session, user: User) -> list[AnvProposition]:
    """Proposals without a verdict on the accounts ``user`` may see, oldest first."""
    decided = select(AnvVerdict.proposition_id)
    return list(session.scalars(select(AnvProposition).where(~AnvProposition.id.in_(decided),
                                                             redevable_filter(user, AnvProposition.redevable_id))
                                .order_by(AnvProposition.proposed_on, AnvProposition.id)))


@dataclass(frozen=True)
class LigneAnv:
    creditor_code: str
    creditor_name: str
    redevable: str
    reference: str
    amount_cents: int
    motif: str
    decided_on: date
    decider: str


def listing(session: Session, user: User, creditor_code: str | None = None) -> list[LigneAnv]:
    """Créances admitted en non-valeur (and not resumed), per creditor, on the accounts ``user`` may see."""
    rows: dict[int, AnvDecision] = {}
    for d in session.scalars(select(AnvDecision).where(redevable_filter(user, AnvDecision.redevable_id))
                             .order_by(AnvDecision.decided_on, AnvDecision.id)):
        rows[d.creance_id] = d
    out = []
    for cid, d in rows.items():
        if d.status != "admise":
            continue
        c = session.get(Creance, cid)
        if creditor_code and c.creditor_code != creditor_code:
            continue
        r = session.get(Redevable, d.redevable_id)
        out.append(LigneAnv(c.creditor_code, c.creditor_name, f"{r.nom} {r.prenoms or ''}".strip(), c.reference,
                            d.amount_cents, MOTIFS.get(d.ground, d.ground), d.decided_on,
                            DECIDEUR_ANV_LABELS.get(d.decider, d.decider)))
    return sorted(out, key=lambda x: (x.creditor_code, x.redevable, x.reference))


CSV_HEADER = ("creancier_code", "creancier", "redevable", "reference", "montant_euros", "motif", "admise_le",
              "decideur")


def to_csv(lines: list[LigneAnv]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_HEADER)
    for x in lines:
        writer.writerow((x.creditor_code, x.creditor_name, x.redevable, x.reference,
                         f"{x.amount_cents // 100},{x.amount_cents % 100:02d}", x.motif, x.decided_on.isoformat(),
                         x.decider))
    return buffer.getvalue()


def to_pdf(lines: list[LigneAnv], creditor_code: str | None, on: date) -> bytes:
    html = render_html("documents/liste_anv.html", lines=lines, creancier=creditor_code, date=on,
                       total=sum(x.amount_cents for x in lines))
    return html_to_pdf(html)


__all__ = ["CSV_HEADER", "MOTIFS", "LigneAnv", "Signal", "better_fortune", "decide", "listing", "pending",
           "propose", "to_csv", "to_pdf"]
