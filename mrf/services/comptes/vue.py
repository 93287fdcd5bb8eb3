"""A consolidated account as its page shows it: identity and every source's variant with why they
were linked, créances by product with totals and prescription dates, timeline of acts, answers,
payments and requests, renseignements, documents.

Built on the one account loader (:func:`.consolide.load_account`): the créances, who pursues them and
their prescription are the loaded account's, by the library's rule, so the page, the plan and the
documents cannot disagree. Reads only (the caller checks access first with
``mrf.web.access.redevable_or_404``); a handful of queries per account, each on an indexed column.

A témoin (control group) seen by an agent or comptable of a structure shows only that office's créances
and what is about them (:mod:`.temoin`). Size: a little over 400 lines, because the match explanations'
renderer (:func:`explanation_table`) lives with the page that alone shows it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from panels.scope import Scope, categorie, in_scope
from poursuites.anv import MotifAnv
from poursuites.model import date_fr, euros
from poursuites.prescription import prescription

from ...models import (
    Acte,
    AnvDecision,
    Assignment,
    Creance,
    CreanceEvent,
    Demande,
    Document,
    DossierCommissaire,
    Payment,
    RecordLink,
    Redevable,
    Renseignement,
    RequestDecision,
    SourceRecord,
    Structure,
    TiersAnswer,
)
from ..poursuites.vocabulaire import DECIDEUR_ANV_LABELS, MOYEN_PAIEMENT_LABELS, StatutAnv, TypeActe
from . import famille
from .actes import VOID_ACT_STATUSES
from .consolide import CompteCharge, load_account
from .creances import paid_cents
from .liste import PRODUCT_LABELS, PRODUCTS
from .temoin import Own, own_part
from .vocabulaire import StatutCreance

SOURCE_LABELS = {"impots": "Impôts (REC/RAR)", "amendes": "Amendes (AMD)", "secteur_local": "Secteur local (Hélios)"}
STATUS_LABELS = {"en_cours": "En cours", "soldee": "Soldée", "annulee": "Annulée"}
ACTE_LABELS = {
    "lettre_relance": "Lettre de relance",
    "mise_en_demeure": "Mise en demeure de payer",
    "satd": "Saisie administrative à tiers détenteur",
    "satd_banque": "SATD (banque)",
    "satd_tiers": "SATD (tiers détenteur)",
    "phase_comminatoire": "Phase comminatoire (commissaire de justice)",
    "saisie_vente": "Saisie-vente",
    "mainlevee": "Mainlevée",
}
ANSWER_LABELS = {
    "positive": "Réponse positive",
    "pas_de_compte": "Pas de compte",
    "pas_de_salaire": "Pas de salaire",
    "deja_saisi": "Déjà saisi",
    "autre": "Autre réponse",
}
REQUEST_LABELS = {
    "plan_reglement": "Demande de plan de règlement",
    "contestation": "Contestation",
    "remise_gracieuse": "Demande de remise gracieuse",
}
PAYER_LABELS = {"redevable": "le redevable", "tiers": "un tiers détenteur", "huissier": "un commissaire de justice"}
RENSEIGNEMENT_LABELS = {
    "banque": "Banque", "employeur": "Employeur", "caisse_retraite": "Caisse de retraite", "caf": "CAF",
    "locataire": "Locataire", "notaire": "Notaire", "autre": "Autre tiers", "adresse": "Adresse",
}
RELIABILITY_LABELS = {"confirmee": "confirmée", "declaree": "déclarée", "ancienne": "ancienne", "npai": "NPAI"}
SATD_KINDS: tuple[str, ...] = (TypeActe.SATD, TypeActe.SATD_BANQUE, TypeActe.SATD_TIERS)
#: Statuses of a decision on a request (``comptes.demandes.REQUEST_STATUSES``) and of an ANV decision.
DECISION_STATUS_LABELS = {"acceptee": "acceptée", "refusee": "refusée", "retiree": "retirée",
                          "defaillant": "plan non respecté", "solde": "plan soldé", "annulee": "annulée"}
ANV_STATUS_LABELS = {StatutAnv.PROPOSEE: "proposée", StatutAnv.ADMISE: "admise", StatutAnv.REFUSEE: "refusée",
                     StatutAnv.REPRISE: "reprise"}
ANV_GROUND_LABELS = {m.value: m.label for m in MotifAnv}
ACT_STATUS_LABELS = {"annule": "annulé", "emis": "émis"}


@dataclass
class Variant:
    record: SourceRecord
    source_label: str
    method: str | None
    probability: float | None
    explanation: dict | None
    linked_at: datetime | None


@dataclass
class CreanceRow:
    creance: Creance
    structure_code: str  # original comptable (structure of the source record)
    prescription: date | None
    prescription_reason: str
    paid_cents: int
    comptable_code: str = ""  # the structure pursuing it now (panels.scope.comptable_now)
    in_scope: bool = False  # in the treated member's panel configuration


@dataclass
class ProductGroup:
    product: str
    label: str
    creances: list[CreanceRow]
    initial_cents: int
    due_cents: int


@dataclass
class TimelineEvent:
    on: date
    kind: str  # acte, reponse, paiement, demande, decision, anv, creance, huissier
    label: str
    detail: str = ""
    amount_cents: int | None = None
    documents: list[Document] = field(default_factory=list)


@dataclass
class AccountView:
    redevable: Redevable
    family_ids: list[int]
    assignment: Assignment | None
    assignment_structure: Structure | None
    variants: list[Variant]
    groups: list[ProductGroup]
    total_initial_cents: int
    total_due_cents: int
    nearest_prescription: date | None
    timeline: list[TimelineEvent]
    renseignements: list[Renseignement]
    tiers: list[Renseignement]
    documents: list[Document]
    open_satd: list[Acte]
    structures: dict[int, Structure]
    charge: CompteCharge  # the loaded account the page is built on (the plan reads it too)
    scope: Scope = field(default_factory=Scope)
    #: A témoin seen by one office: that office's structure (only its créances are shown), else None.
    office: Structure | None = None
    hidden_creances: int = 0  # créances of other offices left out (their amounts are never shown)
    visible_acte_ids: set[int] | None = None  # the acts that office sees (None: every act)

    @property
    def creances(self) -> list[CreanceRow]:
        return [c for g in self.groups for c in g.creances]

    @property
    def due_creances(self) -> list[CreanceRow]:
        return [c for c in self.creances if c.creance.status == StatutCreance.EN_COURS and c.creance.rar_cents > 0]


def family_ids(session: Session, redevable_id: int) -> list[int]:
    """The account and every account merged into it (their records count for it)."""
    return list(famille.family_of(session, redevable_id))


def load(session: Session, redevable: Redevable, today: date | None = None, office: int | None = None
         ) -> AccountView:
    """The account page of ``redevable``: the consolidated account of :func:`.consolide.load_account`
    (créances, comptables, prescription by the library's rule, renseignements), with what only the
    page shows (source variants, payments per créance, timeline, documents).

    ``office``: the structure of the viewing agent or comptable. For a témoin (control group), handled
    as without the product, that office sees only its own créances and what is about them (acts,
    payments, requests, documents, events), and the plan is built on them alone."""
    today = today or date.today()
    account = load_account(session, redevable.id, today)
    ids = list(account.family_ids)
    hidden = 0
    own: Own | None = None
    if office is not None and account.scope.is_control:
        own = own_part(session, account, ids, office)
        hidden = len(account.creances) - len(own.charge.creances)
        account = own.charge
    groups = _groups(account, paid_cents(session, account.creances))
    actes = list(session.scalars(select(Acte).where(Acte.redevable_id.in_(ids)).order_by(Acte.issued_on, Acte.id)))
    renseignements = sorted(account.renseignements.values(), key=lambda r: (r.observed_on, r.id), reverse=True)
    documents = list(session.scalars(select(Document).options(defer(Document.pdf), defer(Document.html))
                                     .where(Document.redevable_id.in_(ids)).order_by(Document.id)))
    if own is not None:
        actes = [a for a in actes if a.id in own.acte_ids]
        documents = [d for d in documents if d.id in own.document_ids]
    answers = list(session.scalars(select(TiersAnswer).where(TiersAnswer.acte_id.in_([a.id for a in actes])))) \
        if actes else []
    answered = {a.acte_id for a in answers}
    assignment = account.assignment
    return AccountView(
        redevable=redevable,
        family_ids=ids,
        assignment=assignment,
        assignment_structure=session.get(Structure, assignment.structure_id) if assignment and assignment.structure_id
        else None,
        variants=_variants(session, ids),
        groups=groups,
        total_initial_cents=sum(g.initial_cents for g in groups),
        total_due_cents=sum(g.due_cents for g in groups),
        nearest_prescription=min((r.prescription for g in groups for r in g.creances if _due(r.creance)
                                  and r.prescription is not None and r.prescription > today), default=None),
        timeline=_timeline(session, ids, actes, answers, documents, list(account.creances), renseignements, own),
        renseignements=renseignements,
        tiers=[r for r in renseignements if r.id in account.tiers],
        documents=documents,
        open_satd=[a for a in actes if a.kind in SATD_KINDS and a.status not in VOID_ACT_STATUSES
                   and a.id not in answered],
        structures=account.structures,
        scope=account.scope,
        charge=account,
        office=session.get(Structure, office) if own is not None else None,
        hidden_creances=hidden,
        visible_acte_ids=own.acte_ids if own is not None else None,
    )


def _due(c: Creance) -> bool:
    return c.status == StatutCreance.EN_COURS and c.rar_cents > 0


def _variants(session: Session, ids: list[int]) -> list[Variant]:
    """Every source record linked to the account, with why it was linked, by source."""
    links = session.execute(
        select(RecordLink, SourceRecord).join(SourceRecord, SourceRecord.id == RecordLink.source_record_id)
        .where(RecordLink.redevable_id.in_(ids)).order_by(SourceRecord.source, SourceRecord.id)).all()
    return [Variant(record=sr, source_label=SOURCE_LABELS.get(sr.source, sr.source), method=link.method,
                    probability=link.probability, explanation=link.explanation, linked_at=link.linked_at)
            for link, sr in links]


def _groups(account: CompteCharge, paid: dict[int, int]) -> list[ProductGroup]:
    """The créances by product (products in their usual order), each with its prescription by the
    library's rule on the loaded account (acts, acknowledgements) and who pursues it."""
    rows_by_product: dict[str, list[CreanceRow]] = defaultdict(list)
    for c in sorted(account.creances.values(), key=lambda c: (c.date_prise_en_charge, c.id)):
        presc = prescription(account.views[c.id])
        rows_by_product[c.product].append(CreanceRow(
            creance=c, structure_code=account.structures[c.structure_id].code, prescription=presc.date,
            prescription_reason=presc.explanation, paid_cents=paid.get(c.id, 0),
            comptable_code=account.comptable_for(c).code,
            in_scope=in_scope(account.scope, categorie(c.product, bool(c.is_hospital)))))
    groups = []
    for product in [*PRODUCTS, *sorted(set(rows_by_product) - set(PRODUCTS))]:
        rows = rows_by_product.get(product)
        if not rows:
            continue
        groups.append(ProductGroup(
            product=product, label=PRODUCT_LABELS.get(product, product), creances=rows,
            initial_cents=sum(r.creance.amount_initial_cents for r in rows),
            due_cents=sum(r.creance.rar_cents for r in rows if r.creance.status == StatutCreance.EN_COURS)))
    return groups


def _timeline(session: Session, ids: list[int], actes: list[Acte], answers: list[TiersAnswer],
              documents: list[Document], creance_ids: list[int], renseignements: list[Renseignement],
              own: Own | None = None) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    tiers_name = {r.id: r.name or RENSEIGNEMENT_LABELS.get(r.kind, r.kind) for r in renseignements}
    docs_by_acte: dict[int, list[Document]] = defaultdict(list)
    for d in documents:
        if d.acte_id:
            docs_by_acte[d.acte_id].append(d)
    acte_by_id = {a.id: a for a in actes}
    for a in actes:
        detail = []
        if a.renseignement_id:
            detail.append(f"tiers : {tiers_name.get(a.renseignement_id, '—')}")
        if a.status and a.status != "emis":
            detail.append(f"statut : {ACT_STATUS_LABELS.get(a.status, a.status)}")
        events.append(TimelineEvent(on=a.issued_on, kind="acte", label=ACTE_LABELS.get(a.kind, a.kind),
                                    detail=" ; ".join(detail), amount_cents=a.amount_cents,
                                    documents=docs_by_acte.get(a.id, [])))
    for t in answers:
        acte = acte_by_id.get(t.acte_id)
        who = tiers_name.get(acte.renseignement_id, "") if acte and acte.renseignement_id else ""
        events.append(TimelineEvent(on=t.answered_on, kind="reponse",
                                    label=f"{ANSWER_LABELS.get(t.kind, t.kind)} du tiers détenteur",
                                    detail=" ; ".join(x for x in (who, t.comment or "") if x),
                                    amount_cents=t.amount_cents))
    for p in session.scalars(select(Payment).where(Payment.redevable_id.in_(ids))):
        if own is not None and p.id not in own.payment_ids:
            continue
        detail = f"versé par {PAYER_LABELS.get(p.payer, p.payer)}"
        if p.means:
            detail += f", {MOYEN_PAIEMENT_LABELS.get(p.means, p.means).lower()}"
        if p.overpayment_cents:
            detail += f" ; excédent à rembourser : {euros(p.overpayment_cents)}"
        if p.reverses_id:
            detail += " ; annule un paiement précédent"
        events.append(TimelineEvent(on=p.received_on, kind="paiement", label="Paiement", detail=detail,
                                    amount_cents=p.amount_cents))
    requests = list(session.scalars(select(Demande).where(Demande.redevable_id.in_(ids))))
    if own is not None:  # a request naming no créance is about the whole account, hence this office's too
        requests = [r for r in requests if not r.creance_ids or set(map(int, r.creance_ids)) & set(own.charge.creances)]
    for r in requests:
        events.append(TimelineEvent(on=r.received_on, kind="demande", label=REQUEST_LABELS.get(r.kind, r.kind),
                                    detail=_request_detail(r)))
    if requests:
        decisions = select(RequestDecision).where(RequestDecision.request_id.in_([r.id for r in requests]))
        for d in session.scalars(decisions):
            status = DECISION_STATUS_LABELS.get(d.status, d.status)
            events.append(TimelineEvent(on=d.decided_on, kind="decision", label=f"Décision sur une demande : {status}",
                                        detail=d.comment or ""))
    for anv in session.scalars(select(AnvDecision).where(AnvDecision.redevable_id.in_(ids))):
        if own is not None and anv.creance_id not in own.charge.creances:
            continue
        status = ANV_STATUS_LABELS.get(anv.status, anv.status)
        ground = ANV_GROUND_LABELS.get(anv.ground, anv.ground)
        decider = DECIDEUR_ANV_LABELS.get(anv.decider, anv.decider)
        events.append(TimelineEvent(on=anv.decided_on, kind="anv", label=f"Admission en non-valeur ({status})",
                                    detail=f"motif : {ground} ; décideur : {decider}",
                                    amount_cents=anv.amount_cents))
    for dossier in session.scalars(select(DossierCommissaire).where(DossierCommissaire.redevable_id.in_(ids))):
        if own is not None and dossier.structure_id != own.office:
            continue
        events.append(TimelineEvent(on=dossier.transmis_le, kind="huissier",
                                    label=f"Dossier {dossier.numero} confié au commissaire de justice "
                                          f"(phase {dossier.phase})",
                                    detail=f"échéance de la phase : {date_fr(dossier.echeance)}",
                                    amount_cents=dossier.montant_cents))
    if creance_ids:
        for e in session.scalars(select(CreanceEvent).where(CreanceEvent.creance_id.in_(creance_ids))
                                 .order_by(CreanceEvent.id).limit(500)):
            if e.kind in ("prise_en_charge", "creation"):
                label = "Prise en charge d'une créance"
            else:
                label = f"Créance : {e.kind.replace('_', ' ')}"
            detail = ""
            if e.rar_after_cents is not None and e.rar_before_cents is not None:
                detail = f"reste à recouvrer {euros(e.rar_before_cents)} → {euros(e.rar_after_cents)}"
            events.append(TimelineEvent(on=e.at.date(), kind="creance", label=label, detail=detail))
    events.sort(key=lambda e: e.on, reverse=True)
    return events


def _request_detail(r: Demande) -> str:
    parts = []
    if r.creance_ids:
        parts.append(f"{len(r.creance_ids)} créance(s)")
    details = r.details or {}
    for key in ("motif", "grounds", "texte", "comment", "details"):
        if details.get(key):
            parts.append(str(details[key]))
            break
    return " ; ".join(parts)


def explanation_table(explanation: Any) -> dict[str, Any]:
    """Render whatever an explanation holds as readable rows.

    Returns ``{"summary": str | None, "columns": [...], "rows": [[...]], "facts": [(label, value)]}``:
    a list of per-field dicts (``fields``, ``comparisons``…) becomes a table with one column per
    key; every other scalar becomes a (label, value) fact; nested dicts are flattened with dotted
    labels."""
    out: dict[str, Any] = {"summary": None, "columns": [], "rows": [], "facts": []}
    if explanation is None:
        return out
    if not isinstance(explanation, dict):
        out["facts"].append(("Explication", _fmt(explanation)))
        return out
    out["summary"] = explanation.get("summary") if isinstance(explanation.get("summary"), str) else None
    for key, value in explanation.items():
        if key == "summary" and out["summary"] is not None:
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and not out["rows"]:
            columns: list[str] = []
            for v in value:
                for k in v:
                    if k not in columns:
                        columns.append(k)
            # the library writes a code and its French label side by side: show the label only
            columns = [c for c in columns if not (c in _LABELLED_BY and _LABELLED_BY[c] in columns)]
            out["columns"] = [_COLUMN_LABELS.get(c, c) for c in columns]
            out["rows"] = [[_fmt(v.get(c)) for c in columns] for v in value]
        else:
            _flatten(out["facts"], _COLUMN_LABELS.get(key, key), value)
    return out


_COLUMN_LABELS = {
    "comparison": "Comparaison", "label": "Champ", "level": "Niveau", "level_label": "Niveau observé",
    "weight": "Poids", "tf_adjustment": "Ajustement fréquence", "m": "m", "u": "u", "veto": "Veto",
    "prior": "Probabilité a priori", "prior_weight": "Poids a priori", "match_weight": "Poids total",
    "probability": "Probabilité", "left": "Gauche", "right": "Droite", "source": "source", "id": "id",
    "values": "valeurs", "method": "Méthode", "avec_enregistrement": "Avec l'enregistrement",
    "evidence": "Indices suffisants", "fields": "Champs", "summary": "Résumé",
}
#: Code columns of the matching explanation and the column holding their French label.
_LABELLED_BY = {"comparison": "label", "level": "level_label"}


def _flatten(facts: list, label: str, value: Any) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(facts, f"{label} › {_COLUMN_LABELS.get(k, k)}", v)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value, 1):
            _flatten(facts, f"{label} [{i}]", v)
    else:
        facts.append((label, _fmt(value)))


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if 0 <= value <= 1 and value not in (0.0, 1.0):
            return f"{value:.4f}".replace(".", ",")
        return f"{value:+.2f}".replace(".", ",") if value else "0"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    return str(value)
