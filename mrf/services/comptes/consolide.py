"""A consolidated account loaded from the database into the poursuites library's plain values.

What :func:`load_account` reads, for the surviving account (``merged_into_id`` followed) and every
account merged into it:

- **créances** of every source record linked to them (``RecordLink``), with the comptable in
  charge: the structure of each créance, or for the whole account the structure of the latest
  ``Assignment`` row when it names one;
- **acts** on those créances (``Acte`` / ``ActeLine``): the last interrupting act per créance
  (kinds ``INTERRUPTING_ACT_KINDS``, not void, not cancelled by an ``annulation``), the last mise
  en demeure; an act is cancelled by a later act whose ``cancels_id`` points to it — a
  ``mainlevee`` ends its effect (it still interrupted prescription), an ``annulation`` voids it;
- **SATD in force** per (créance, tiers) from ``SatdLock``: the lock of the highest generation,
  whose act has been neither lifted nor cancelled, nor answered negatively by the tiers;
- **flags** from the debtor's requests: a contestation not yet closed suspends its créances;
  a payment plan granted (``acceptee``) suspends its créances while honoured, from its schedule
  and the payments imputed on them (:func:`poursuites.requests.plan_status`); a plan recorded
  ``defaillant`` or ``refusee`` suspends nothing;
- **ANV**: a créance whose latest ``AnvDecision`` is ``admise`` is left out of the plan;
- **tiers détenteurs** from ``Renseignement`` (not superseded, not NPAI, identifier valid, not
  answered negatively since they were observed);
- **addresses** of the source records and ``Renseignement`` rows of kind ``adresse``: the debtor's
  address on documents is :func:`poursuites.renseignements.best_address`.

Thresholds, creditor kinds, ANV settings and signing towns are configuration data in
``mrf/data/poursuites.toml`` (versioned, with validity dates), read by :func:`config`.

Comptable of each créance: :meth:`CompteCharge.comptable_for`, the rule of :mod:`panels.scope` (the
assigned structure within its panel's configuration, else the original comptable; a témoin keeps
only its original comptables), the account's place read by :func:`..panels.perimetre.scope_of`.

Size (over 400 lines): one loader reading ten tables into the library's input; cutting
:func:`load_account` into smaller readers is the next step of issue 16 (not done yet).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panels.scope import Scope, categorie, comptable_now, in_scope
from poursuites.catalogue import ActionKind
from poursuites.model import (
    Adresse,
    ComptableView,
    CompteConsolide,
    CreanceView,
    Fiabilite,
    OffenceKind,
    Product,
    Reconnaissance,
    RedevableView,
    SatdEnCours,
    Situation,
    SourceInfo,
    TiersDetenteur,
    TiersKind,
    date_fr,
)
from poursuites.renseignements import AddressChoice, autre_tiers, best_address, compte_bancaire, employeur
from poursuites.requests import (
    Contestation,
    Echeance,
    Paiement,
    PlanDeReglement,
    PlanStatus,
    apply_requests,
    plan_status,
)

from ...models import (
    Acte,
    ActeLine,
    AnvDecision,
    Assignment,
    Creance,
    Demande,
    Imputation,
    Payment,
    RecordLink,
    Redevable,
    Renseignement,
    RequestDecision,
    SatdLock,
    SourceRecord,
    Structure,
    TiersAnswer,
)
from ..errors import Conflit, Introuvable, Refus
from ..panels.perimetre import scope_of
from ..poursuites.vocabulaire import ReponseTiers, TypeActe, TypeDemande
from . import famille
from .config import ConfigError, PoursuitesConfig, config
from .reconnaissances import reconnaissances_of
from .resume import (
    CONTESTATION_CLOSED_STATUSES,
    INTERRUPTING_ACT_KINDS,
    PLAN_HONOURED_STATUSES,
    VOID_ACT_STATUSES,
)
from .situations import as_library, rows_in_force
from .vocabulaire import StatutCreance

#: Acts that end another act (``cancels_id``): a mainlevée lifts an SATD (which did interrupt
#: prescription); an annulation voids the act (as if never issued).
CANCELLING_ACT_KINDS: tuple[str, ...] = (TypeActe.MAINLEVEE, TypeActe.ANNULATION)
#: Kinds of the SATD acts this service issues (the library's catalogue actions).
SATD_ACT_KINDS: tuple[str, ...] = (ActionKind.SATD_BANQUE.value, ActionKind.SATD_TIERS.value)
#: SATD acts an answer or a mainlevée may point to (``satd``: written by other tools).
ANY_SATD_KINDS: tuple[str, ...] = (TypeActe.SATD, *SATD_ACT_KINDS)
#: Answers of a tiers that end an SATD (nothing to seize there).
NEGATIVE_ANSWERS: tuple[str, ...] = (ReponseTiers.PAS_DE_COMPTE, ReponseTiers.PAS_DE_SALAIRE)
ANSWER_KINDS: tuple[str, ...] = tuple(r.value for r in ReponseTiers)

REQUEST_KINDS: tuple[str, ...] = tuple(t.value for t in TypeDemande)
#: Statuses of ``RequestDecision`` per kind of request (the latest decision is in force).
REQUEST_STATUSES: dict[str, tuple[str, ...]] = {
    "plan_reglement": ("acceptee", "refusee", "defaillant", "solde", "annulee"),
    "contestation": ("acceptee", "refusee", "retiree"),
    "remise_gracieuse": ("acceptee", "refusee"),
}
#: Latest statuses after which a contestation no longer suspends anything.
CONTESTATION_CLOSED = CONTESTATION_CLOSED_STATUSES
#: Latest statuses under which a payment plan is granted (then honoured or not, from its schedule).
PLAN_GRANTED = PLAN_HONOURED_STATUSES

RENSEIGNEMENT_KINDS: tuple[str, ...] = (*(k.value for k in TiersKind), "adresse")
RELIABILITIES: dict[str, Fiabilite] = {
    "confirmee": Fiabilite.CONFIRMEE, "declaree": Fiabilite.DECLAREE, "ancienne": Fiabilite.ANCIENNE,
    "npai": Fiabilite.NPAI,
}
PRODUCTS: tuple[str, ...] = tuple(p.value for p in Product)


class PoursuitesError(Refus):
    """A refused operation, with a French message for the agent."""


class AccountNotFound(Introuvable):
    """No consolidated account with this id."""

    def __init__(self, redevable_id: object) -> None:
        super().__init__(f"Compte consolidé inconnu : {redevable_id}.")


class SatdDejaEnCours(PoursuitesError, Conflit):
    """An SATD is already in force for a créance with this tiers."""

    MESSAGE = "Une SATD est déjà en cours pour cette créance auprès de ce tiers"

    def __init__(self, detail: str = "") -> None:
        super().__init__(self.MESSAGE + (f" ({detail})." if detail else "."))


_TOWN = re.compile(r"(?:\bd'|\bde la |\bde l'|\bdu |\bdes |\bde )([^()]+?)\s*(?:\(|$)")


def comptable_view(structure: Structure, villes: Mapping[str, str]) -> ComptableView:
    ville = villes.get(structure.code)
    if ville is None:
        m = _TOWN.search(structure.name)
        ville = m.group(1).strip() if m and structure.type in ("sip", "tresorerie_spl", "tresorerie_mixte") else ""
    return ComptableView(code=structure.code, nom=structure.name, ville=ville)


# ---------------------------------------------------------------------------------- the account
@dataclass(frozen=True)
class LockInfo:
    creance_id: int
    renseignement_id: int
    generation: int
    acte_id: int
    issued_on: date


@dataclass(frozen=True)
class PlanReglementInfo:
    request_id: int
    creance_ids: tuple[int, ...]
    latest_status: str | None
    status: PlanStatus | None  # computed from the schedule when granted


@dataclass
class CompteCharge:
    """One consolidated account as loaded from the database, on one date: everything the poursuites
    rules need. :meth:`compte` is the library's ``CompteConsolide`` (one name per concept: the domain's
    *compte consolidé* is the library's value; this is its loaded, application-side form)."""

    root: Redevable
    family_ids: tuple[int, ...]
    on: date
    config: PoursuitesConfig
    creances: dict[int, Creance]
    views: dict[int, CreanceView]  # flags from requests applied
    structures: dict[int, Structure]
    assigned: Structure | None
    renseignements: dict[int, Renseignement]
    tiers: dict[int, TiersDetenteur]  # usable tiers détenteurs by renseignement id
    excluded_tiers: dict[int, str]  # renseignement id -> why it is not used
    redevable_view: RedevableView
    address_choice: AddressChoice
    addresses: list[Adresse]
    locks: dict[tuple[int, int], LockInfo]  # SATD in force, by (créance id, renseignement id)
    next_generation: dict[tuple[int, int], int]
    anv: dict[int, AnvDecision]  # latest decision per créance
    plans: list[PlanReglementInfo]
    contested: set[int]
    acts: dict[int, Acte] = field(default_factory=dict)
    scope: Scope = field(default_factory=Scope)
    situations: tuple[Situation, ...] = ()  # in force or not: the library checks their dates

    @property
    def id(self) -> int:
        return self.root.id

    @property
    def anv_admitted(self) -> dict[int, AnvDecision]:
        return {cid: d for cid, d in self.anv.items() if d.status == "admise"}

    def compte(self, include_anv: bool = False) -> CompteConsolide:
        admitted = set() if include_anv else set(self.anv_admitted)
        return CompteConsolide(
            redevable_id=str(self.root.id),
            creances=tuple(v for cid, v in self.views.items() if cid not in admitted),
            tiers=tuple(self.tiers.values()),
            situations=self.situations,
            satd_en_cours=self.satd_en_cours(),
        )

    def satd_en_cours(self) -> tuple[SatdEnCours, ...]:
        """The SATD locks in force, as the library's input (it then plans no second SATD for them)."""
        out = []
        for lk in sorted(self.locks.values(), key=lambda lk: (lk.issued_on, lk.acte_id, lk.creance_id)):
            r = self.renseignements.get(lk.renseignement_id)
            out.append(SatdEnCours(str(lk.creance_id), str(lk.renseignement_id), str(lk.acte_id), lk.issued_on,
                                   (r.name or "") if r is not None else ""))
        return tuple(out)

    def comptable_for(self, creance: Creance) -> Structure:
        """The structure pursuing the créance now (:func:`panels.scope.comptable_now`)."""
        origine = self.structures[creance.structure_id]
        code = comptable_now(self.scope, categorie(creance.product, bool(creance.is_hospital)), origine.code)
        return self.assigned if self.assigned is not None and code == self.assigned.code else origine

    def in_scope(self, creance: Creance) -> bool:
        """True when the assigned structure is in charge of the créance (panel's configuration)."""
        return self.assigned is not None and in_scope(self.scope, categorie(creance.product, bool(creance.is_hospital)))


def resolve_root(session: Session, redevable_id: int) -> Redevable:
    try:
        rid = int(redevable_id)
    except (TypeError, ValueError):
        raise AccountNotFound(redevable_id) from None
    root = famille.root_of(session, rid)
    if root is None:
        raise AccountNotFound(redevable_id)
    return session.get(Redevable, root)


def load_account(session: Session, redevable_id: int, on: date, *, for_update: bool = False) -> CompteCharge:
    """The consolidated account ``redevable_id`` (or the account it was merged into) on ``on``.

    ``for_update``: lock its créance rows until the end of the transaction (payments)."""
    cfg = config(on)
    root = resolve_root(session, redevable_id)
    family = famille.family_of(session, root.id)

    q = (select(Creance).join(RecordLink, RecordLink.source_record_id == Creance.source_record_id)
         .where(RecordLink.redevable_id.in_(family)).order_by(Creance.id))
    if for_update:
        q = q.with_for_update(of=Creance)
    creances = {c.id: c for c in session.scalars(q)}
    cids = list(creances)

    scope = scope_of(session, family)
    assignment = session.scalar(select(Assignment).where(Assignment.redevable_id.in_(family))
                                .order_by(Assignment.id.desc()).limit(1))
    structure_ids = {c.structure_id for c in creances.values()}
    if scope.structure is not None and assignment is not None and assignment.structure_id is not None:
        structure_ids.add(assignment.structure_id)
    structures = {s.id: s for s in session.scalars(select(Structure).where(Structure.id.in_(structure_ids)))}
    # a témoin has no assigned structure; a treated member only the one its panel assigned
    assigned = structures.get(assignment.structure_id) if scope.structure is not None and assignment else None

    # acts on the créances, their cancellations and the tiers' answers
    acts: dict[int, Acte] = {}
    lines: list[tuple[int, int]] = []  # (creance id, acte id)
    if cids:
        for line_cid, acte in session.execute(select(ActeLine.creance_id, Acte).join(Acte, Acte.id == ActeLine.acte_id)
                                              .where(ActeLine.creance_id.in_(cids))):
            acts[acte.id] = acte
            lines.append((line_cid, acte.id))
    lock_rows = list(session.scalars(select(SatdLock).where(SatdLock.creance_id.in_(cids)))) if cids else []
    missing = {lk.acte_id for lk in lock_rows} - set(acts)
    if missing:
        for acte in session.scalars(select(Acte).where(Acte.id.in_(missing))):
            acts[acte.id] = acte
    cancelled: dict[int, str] = {}  # acte id -> kind of the act that cancels it
    negative: dict[int, TiersAnswer] = {}
    if acts:
        for target, kind in session.execute(select(Acte.cancels_id, Acte.kind).where(Acte.cancels_id.in_(list(acts)))):
            if cancelled.get(target) != "annulation":
                cancelled[target] = kind
        for ans in session.scalars(select(TiersAnswer).where(TiersAnswer.acte_id.in_(list(acts)),
                                                             TiersAnswer.answered_on <= on)
                                   .order_by(TiersAnswer.answered_on, TiersAnswer.id)):
            if ans.kind in NEGATIVE_ANSWERS:
                negative[ans.acte_id] = ans
            else:
                negative.pop(ans.acte_id, None)

    last_act: dict[int, date] = {}
    last_mise_en_demeure: dict[int, date] = {}
    for cid, aid in lines:
        acte = acts[aid]
        if (acte.status in VOID_ACT_STATUSES or cancelled.get(aid) == "annulation" or acte.issued_on > on
                or acte.cancels_id is not None):
            continue
        if acte.kind in INTERRUPTING_ACT_KINDS and (cid not in last_act or acte.issued_on > last_act[cid]):
            last_act[cid] = acte.issued_on
        if acte.kind == ActionKind.MISE_EN_DEMEURE.value and (
                cid not in last_mise_en_demeure or acte.issued_on > last_mise_en_demeure[cid]):
            last_mise_en_demeure[cid] = acte.issued_on

    # SATD in force: the highest generation per (créance, tiers), its act neither ended nor answered "nothing"
    top: dict[tuple[int, int], SatdLock] = {}
    for lk in lock_rows:
        key = (lk.creance_id, lk.renseignement_id)
        if key not in top or lk.generation > top[key].generation:
            top[key] = lk
    locks: dict[tuple[int, int], LockInfo] = {}
    next_generation: dict[tuple[int, int], int] = {}
    for key, lk in top.items():
        next_generation[key] = lk.generation + 1
        acte = acts.get(lk.acte_id)
        if lk.acte_id in cancelled or lk.acte_id in negative or acte is None or acte.status in VOID_ACT_STATUSES:
            continue
        locks[key] = LockInfo(lk.creance_id, lk.renseignement_id, lk.generation, lk.acte_id, acte.issued_on)
    # an SATD act written without lock rows (imported, older tools) is in force all the same
    locked_acts = {lk.acte_id for lk in lock_rows}
    for cid, aid in lines:
        acte = acts[aid]
        if (acte.kind in ANY_SATD_KINDS and aid not in locked_acts and acte.renseignement_id is not None
                and aid not in cancelled and aid not in negative and acte.status not in VOID_ACT_STATUSES
                and acte.issued_on <= on and (cid, acte.renseignement_id) not in locks):
            locks[(cid, acte.renseignement_id)] = LockInfo(cid, acte.renseignement_id, -1, aid, acte.issued_on)

    # renseignements: tiers and addresses
    renseignements = {r.id: r for r in session.scalars(
        select(Renseignement).where(Renseignement.redevable_id.in_(family), Renseignement.observed_on <= on)
        .order_by(Renseignement.observed_on, Renseignement.id))}
    superseded = {r.supersedes_id for r in renseignements.values() if r.supersedes_id}
    negative_by_tiers: dict[int, TiersAnswer] = {}
    answered_tiers = [(lk.acte_id, lk.renseignement_id) for lk in lock_rows]
    answered_tiers += [(aid, acts[aid].renseignement_id) for aid in negative if acts[aid].renseignement_id]
    for aid, tiers_id in answered_tiers:
        ans = negative.get(aid)
        if ans is not None:
            prev = negative_by_tiers.get(tiers_id)
            if prev is None or ans.answered_on > prev.answered_on:
                negative_by_tiers[tiers_id] = ans
    tiers: dict[int, TiersDetenteur] = {}
    excluded: dict[int, str] = {}
    addresses: list[Adresse] = []
    for r in renseignements.values():
        if r.id in superseded:
            continue
        if r.kind == "adresse":
            a = _renseignement_address(r)
            if a is not None:
                addresses.append(a)
            continue
        if r.reliability == "npai":
            excluded[r.id] = "tiers signalé comme inconnu à l'adresse (NPAI)"
            continue
        ans = negative_by_tiers.get(r.id)
        if ans is not None and ans.answered_on >= r.observed_on:
            what = "pas de compte" if ans.kind == "pas_de_compte" else "pas de salaire"
            excluded[r.id] = f"réponse négative du tiers le {date_fr(ans.answered_on)} ({what})"
            continue
        try:
            tiers[r.id] = tiers_from_renseignement(r)
        except ValueError as exc:
            excluded[r.id] = str(exc)

    for rec in session.scalars(select(SourceRecord).join(RecordLink, RecordLink.source_record_id == SourceRecord.id)
                               .where(RecordLink.redevable_id.in_(family)).order_by(SourceRecord.id)):
        a = _record_address(rec)
        if a is not None:
            addresses.append(a)
    choice = best_address(addresses)
    redevable_view = RedevableView(
        id=str(root.id), nom=root.nom or "", prenoms=root.prenoms or "", date_naissance=root.date_naissance,
        adresse=choice.adresse,
    )

    # requests: contestations and payment plans, at ``on``
    requests = list(session.scalars(select(Demande).where(Demande.redevable_id.in_(family),
                                                                Demande.received_on <= on)
                                    .order_by(Demande.received_on, Demande.id)))
    latest: dict[int, RequestDecision] = {}
    if requests:
        for d in session.scalars(select(RequestDecision).where(
                RequestDecision.request_id.in_([r.id for r in requests]), RequestDecision.decided_on <= on)
                .order_by(RequestDecision.decided_on, RequestDecision.id)):
            latest[d.request_id] = d
    contestations: list[Contestation] = []
    contested: set[int] = set()
    plan_requests: list[tuple[Demande, RequestDecision | None]] = []
    for req in requests:
        ids = [int(i) for i in (req.creance_ids or []) if int(i) in creances]
        dec = latest.get(req.id)
        if req.kind == "contestation":
            if (req.details or {}).get("sursis") is False:
                continue  # contested without sursis de paiement: recovery goes on
            closed = dec.decided_on if dec is not None and dec.status in CONTESTATION_CLOSED else None
            for cid in ids:
                contestations.append(Contestation(str(cid), req.received_on, closed))
                if closed is None:
                    contested.add(cid)
        elif req.kind == "plan_reglement":
            plan_requests.append((req, dec))
    plans_info: list[PlanReglementInfo] = []
    plans_lib: list[tuple[PlanDeReglement, list[Paiement]]] = []
    if plan_requests:
        plan_cids = sorted({int(i) for req, _ in plan_requests for i in (req.creance_ids or []) if int(i) in creances})
        paid: dict[int, list[tuple[date, int, int]]] = defaultdict(list)  # creance -> (received_on, payment id, cents)
        if plan_cids:
            for cid, pid, received, amount in session.execute(
                    select(Imputation.creance_id, Payment.id, Payment.received_on, Imputation.amount_cents)
                    .join(Payment, Payment.id == Imputation.payment_id)
                    .where(Imputation.creance_id.in_(plan_cids), Payment.received_on <= on)):
                paid[cid].append((received, pid, amount))
        for req, dec in plan_requests:
            ids = tuple(int(i) for i in (req.creance_ids or []) if int(i) in creances)
            status: PlanStatus | None = None
            schedule = schedule_of(req)
            if dec is not None and dec.status in PLAN_GRANTED and schedule:
                plan = PlanDeReglement(str(req.id), tuple(str(i) for i in ids), schedule, req.received_on,
                                       int((req.details or {}).get("delai_de_grace_jours", 0)))
                by_payment: dict[tuple[int, date], int] = defaultdict(int)
                for cid in ids:
                    for received, pid, amount in paid.get(cid, ()):
                        by_payment[(pid, received)] += amount
                payments = [Paiement(received, amount) for (_, received), amount in sorted(by_payment.items())]
                status = plan_status(plan, payments, on)
                plans_lib.append((plan, payments))
            plans_info.append(PlanReglementInfo(req.id, ids, dec.status if dec else None, status))

    anv: dict[int, AnvDecision] = {}
    if cids:
        for d in session.scalars(select(AnvDecision)
                                 .where(AnvDecision.creance_id.in_(cids), AnvDecision.decided_on <= on)
                                 .order_by(AnvDecision.decided_on, AnvDecision.id)):
            anv[d.creance_id] = d

    acknowledged = reconnaissances_of(session, cids, requests, on)
    charge = CompteCharge(
        root=root, family_ids=family, on=on, config=cfg, creances=creances, views={}, structures=structures,
        assigned=assigned, renseignements=renseignements, tiers=tiers, excluded_tiers=excluded,
        redevable_view=redevable_view, address_choice=choice, addresses=addresses, locks=locks,
        next_generation=next_generation, anv=anv, plans=plans_info, contested=contested, acts=acts, scope=scope,
        situations=as_library(rows_in_force(session, family)),
    )
    base_views = []
    for c in creances.values():
        comptable = charge.comptable_for(c)
        base_views.append(creance_view(c, comptable, cfg, last_act.get(c.id), last_mise_en_demeure.get(c.id),
                                       acknowledged.get(c.id, ())))
    flagged = apply_requests(base_views, on, plans_lib, contestations)
    charge.views = {int(v.id): v for v in flagged}
    return charge


def creance_view(c: Creance, comptable: Structure, cfg: PoursuitesConfig, last_act: date | None,
                 mise_en_demeure: date | None, reconnaissances: tuple[Reconnaissance, ...] = ()) -> CreanceView:
    product = Product(c.product)
    start = c.date_prise_en_charge  # mise en recouvrement / titre exécutoire / prise en charge
    return CreanceView(
        id=str(c.id), product=product, nature=c.nature, creditor_name=c.creditor_name,
        creditor_code=c.creditor_code, reference=c.reference, rar_cents=int(c.rar_cents),
        amount_initial_cents=int(c.amount_initial_cents), date_exigibilite=c.date_exigibilite,
        comptable_code=comptable.code, comptable_name=comptable.name,
        date_prise_en_charge=start,
        date_mise_en_recouvrement=start if product is Product.IMPOTS else None,
        date_titre=start if product is Product.AMENDES else None,
        offence_kind=(OffenceKind.DELIT if c.offence_category == "delit" else OffenceKind.CONTRAVENTION)
        if product is Product.AMENDES else None,
        is_hospital=bool(c.is_hospital),
        is_income_tax=product is Product.IMPOTS and cfg.is_income_tax(c.nature),
        creditor_kind=cfg.creditor_kind(c.creditor_code, bool(c.is_hospital)),
        cancelled=c.status == StatutCreance.ANNULEE,
        last_interrupting_act=last_act,
        date_mise_en_demeure=mise_en_demeure,
        reconnaissances=reconnaissances,
        annee=c.year,
    )


def schedule_of(req: Demande) -> tuple[Echeance, ...]:
    rows = (req.details or {}).get("echeancier") or []
    return tuple(Echeance(date.fromisoformat(str(r["due_on"])), int(r["amount_cents"])) for r in rows)


def _source_info(source: str, observed: date, reliability: str) -> SourceInfo:
    return SourceInfo(Product(source) if source in PRODUCTS else None, observed,
                      RELIABILITIES.get(reliability, Fiabilite.DECLAREE), source)


def _lines(numero: str | None, voie: str | None, complement: str | None) -> tuple[str, ...]:
    street = " ".join(x for x in ((numero or "").strip(), (voie or "").strip()) if x)
    return tuple(x for x in ((complement or "").strip(), street) if x)


def _renseignement_address(r: Renseignement) -> Adresse | None:
    if not (r.voie or r.commune or r.code_postal):
        return None
    return Adresse(_lines(r.numero_voie, r.voie, r.complement_adresse), r.code_postal or "", r.commune or "",
                   _source_info(r.source, r.observed_on, r.reliability))


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _record_address(rec: SourceRecord) -> Adresse | None:
    if not (rec.voie or rec.commune or rec.code_postal):
        return None
    observed = rec.address_date or _as_date(rec.created_at) or date.min
    return Adresse(_lines(rec.numero_voie, rec.voie, rec.complement_adresse), rec.code_postal or "",
                   rec.commune or "", _source_info(rec.source, observed, "declaree"))


def tiers_from_renseignement(r: Renseignement) -> TiersDetenteur:
    """The tiers détenteur of a renseignement, its identifier checked by the library (``ValueError``
    with a French message when it is missing or invalid)."""
    kind = TiersKind(r.kind)
    src = _source_info(r.source, r.observed_on, r.reliability)
    adresse = None
    if r.voie or r.commune:
        adresse = Adresse(_lines(r.numero_voie, r.voie, r.complement_adresse), r.code_postal or "", r.commune or "")
    name = (r.name or "").strip()
    if kind is TiersKind.BANQUE:
        if not r.iban:
            raise ValueError("IBAN absent : aucune SATD bancaire possible.")
        return compte_bancaire(str(r.id), r.iban, name or "Établissement bancaire", src, adresse)
    if kind is TiersKind.EMPLOYEUR:
        if not r.siret:
            raise ValueError("SIRET de l'employeur absent : aucune SATD possible.")
        return employeur(str(r.id), r.siret, name or "Employeur", src, adresse, r.annual_net_salary_cents,
                         r.dependants or 0)
    if not name:
        raise ValueError("Nom du tiers détenteur absent.")
    return autre_tiers(str(r.id), kind, name, src, adresse, r.siret or "", r.annual_net_salary_cents,
                       r.dependants or 0)


__all__ = [
    "CompteCharge", "AccountNotFound", "CANCELLING_ACT_KINDS", "ConfigError", "LockInfo", "PoursuitesConfig",
    "PoursuitesError", "SatdDejaEnCours", "comptable_view", "config", "load_account", "resolve_root",
    "tiers_from_renseignement",
]
