"""The letter notifying the debtor of each decision on one of his requests (délais de paiement,
contestation, remise gracieuse) and of a missed instalment: what was decided, why, on which debts,
and — for a plan — the échéancier split per créance."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from poursuites.model import CreanceView, date_fr, euros

from ...models import DecisionLetter, Demande, Document, RequestDecision
from ..comptes.consolide import CompteCharge
from .courriers import Courrier, comptable_of, issue, lignes, structure_of

KIND_LABELS = {"plan_reglement": "demande de délais de paiement", "contestation": "contestation",
               "remise_gracieuse": "demande de remise gracieuse"}


def split_schedule(schedule: Sequence[tuple[str, int]], views: Sequence[CreanceView]) -> list[str]:
    """Each instalment split over the créances of the plan, oldest debt first: "IR-1 : 100,00 € ; TF-2 : 20,00 €"."""
    remaining = [[v.reference, v.rar_cents] for v in sorted(views, key=lambda v: (v.date_exigibilite, v.reference))]
    out = []
    for _due, amount in schedule:
        parts, left = [], amount
        for row in remaining:
            if left <= 0:
                break
            take = min(left, row[1])
            if take > 0:
                parts.append(f"{row[0]} : {euros(take)}")
                row[1] -= take
                left -= take
        out.append(" ; ".join(parts) if parts else "—")
    return out


def _paragraphs(req: Demande, decision: RequestDecision, views: Sequence[CreanceView]) -> tuple[list[str], list[str]]:
    what = f"Votre {KIND_LABELS[req.kind]} reçue le {date_fr(req.received_on)}"
    reason = (decision.comment or "").strip()
    motif = [f"Motif : {reason}"] if reason else []
    mentions: list[str] = []
    kind, status = req.kind, decision.status
    if kind == "plan_reglement" and status == "acceptee":
        body = [f"{what} est acceptée selon l'échéancier ci-dessous.", *motif,
                "Tant que chaque échéance est payée à sa date, aucune poursuite n'est engagée sur ces créances. "
                "À défaut de paiement d'une seule échéance, l'échéancier devient caduc et les poursuites "
                "reprennent pour le solde restant dû."]
    elif kind == "plan_reglement" and status == "defaillant":
        body = ["L'échéancier qui vous avait été accordé n'a pas été respecté.", *motif,
                "Il est donc caduc : les poursuites reprennent pour le solde des créances ci-dessous, sans autre avis. "
                "Pour éviter des frais, réglez ce solde ou prenez contact avec le comptable sans délai."]
    elif status == "refusee":
        body = [f"{what} est rejetée.", *motif,
                "Les sommes ci-dessous restent dues ; les poursuites peuvent être engagées ou poursuivies."]
        if kind == "contestation":
            mentions.append("Cette décision peut être contestée devant la juridiction compétente ; le comptable "
                            "vous indique sur demande la juridiction et le délai applicables à chaque créance.")
    elif status == "retiree":
        body = [f"Nous prenons acte du retrait de votre {KIND_LABELS[req.kind]} reçue le {date_fr(req.received_on)}.",
                *motif, "La suspension des poursuites qu'elle entraînait prend fin."]
    elif kind == "contestation" and status == "acceptee":
        body = [f"{what} est admise.", *motif,
                "Les créances concernées sont rectifiées en conséquence ; la suspension des poursuites prend fin."]
    elif kind == "remise_gracieuse" and status == "acceptee":
        authorities = sorted({r["autorite"] for r in (req.details or {}).get("routes", []) if r.get("possible")})
        body = [f"{what} est accueillie par l'autorité compétente ({', '.join(authorities) or 'comptable'}).",
                *motif, "La somme remise est définitivement abandonnée ; le solde éventuel ci-dessous reste dû."]
    else:
        body = [f"{what} : décision « {status} » du {date_fr(decision.decided_on)}.", *motif]
    return body, mentions


def letter_for_decision(session: Session, account: CompteCharge, decision: RequestDecision,
                        agent_id: int | None) -> Document:
    """Number, render and store the letter notifying ``decision``, linked to it."""
    req = session.get(Demande, decision.request_id)
    ids = [int(c) for c in req.creance_ids or () if int(c) in account.views]
    views = [account.views[c] for c in ids]
    body, mentions = _paragraphs(req, decision, views)
    echeancier: tuple = ()
    if req.kind == "plan_reglement" and decision.status == "acceptee":
        rows = [(e["due_on"], int(e["amount_cents"])) for e in (req.details or {}).get("echeancier", [])]
        from datetime import date

        splits = split_schedule(rows, views)
        echeancier = tuple((date.fromisoformat(d), a, s) for (d, a), s in zip(rows, splits, strict=True))
    structure = structure_of(account, ids)
    rows = lignes(views)
    courrier = Courrier(
        titre="Décision sur votre demande" if decision.status != "defaillant" else "Échéancier non respecté",
        objet=f"{KIND_LABELS[req.kind].capitalize()} n° {req.id} — décision du {date_fr(decision.decided_on)}",
        date=decision.decided_on, comptable=comptable_of(account, structure), redevable=account.redevable_view,
        paragraphes=tuple(body), creances=rows, total_cents=sum(r.montant_cents for r in rows),
        echeancier=echeancier, mentions=tuple(mentions))
    kind = "plan_defaillant" if decision.status == "defaillant" else "decision_demande"
    doc = issue(session, kind, account, structure, courrier, agent_id)
    session.add(DecisionLetter(document_id=doc.id, request_decision_id=decision.id))
    session.flush()
    return doc


__all__ = ["letter_for_decision", "split_schedule"]
