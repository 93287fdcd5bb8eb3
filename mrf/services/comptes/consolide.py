"""The consolidated account loaded from the database into the poursuites library's plain values.

:func:`load_account` reads, for the surviving account (``merged_into_id`` followed by
:mod:`.famille`) and every account merged into it, one kind of row after the other, each through a
bulk reader of its own module; :func:`load_accounts` does the same for a list of accounts, with one
query per kind of row for all of them (:func:`_read`), then assembles each (:func:`_assemble`):

1. the family (:mod:`.famille`) and its **créances**, with the comptable in charge of each
   (:mod:`.creances`; :meth:`CompteCharge.comptable_for`, the rule of :mod:`panels.scope`: the
   assigned structure within its panel's configuration, else the original comptable; a témoin keeps
   only its original comptables; the account's place read by :func:`..panels.perimetre.scope_of`);
2. the **acts** on them: the last interrupting act and mise en demeure per créance, the SATD in
   force per (créance, tiers) (:mod:`.actes`);
3. the **renseignements**: usable tiers détenteurs and addresses; the debtor's address on documents
   is :func:`poursuites.renseignements.best_address` of them and of the source records' (:mod:`.tiers`);
4. the debtor's **requests**: contestations and payment plans, as flags (:mod:`.demandes`);
5. **ANV** decisions (a créance admise is left out of the plan), acknowledgements
   (:mod:`.reconnaissances`), **situations** (:mod:`.situations`);
6. then assembles the library's input: :meth:`CompteCharge.compte`.

Thresholds, creditor kinds, ANV settings and signing towns are configuration data in
``mrf/data/poursuites.toml`` (versioned, with validity dates), read by :func:`config`.
The account page (:mod:`.vue`) is built on this loader; the panels' bulk summaries (:mod:`.resume`),
set-based for a million accounts, share its rules: the act statuses and the SQL form of the last
interrupting act (:mod:`.actes`), the request statuses (:mod:`.demandes`), the family (:mod:`.famille`);
``tests/mrf/accounts/test_consolide.py`` checks them equal on the same account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from panels.scope import Scope, categorie, comptable_now, in_scope
from poursuites.model import (
    Adresse,
    ComptableView,
    CompteConsolide,
    CreanceView,
    OffenceKind,
    Product,
    Reconnaissance,
    RedevableView,
    SatdEnCours,
    Situation,
    TiersDetenteur,
)
from poursuites.renseignements import AddressChoice, best_address
from poursuites.requests import apply_requests

from ...models import (
    Acte,
    AnvDecision,
    Assignment,
    Creance,
    Demande,
    Redevable,
    Renseignement,
    RequestDecision,
    Structure,
)
from ...models import Situation as SituationRow
from ..errors import Conflit, Introuvable, Refus
from ..panels.perimetre import scope_of
from . import famille
from .actes import (
    ANSWER_KINDS,
    ANY_SATD_KINDS,
    CANCELLING_ACT_KINDS,
    NEGATIVE_ANSWERS,
    SATD_ACT_KINDS,
    ActesLus,
    LockInfo,
    interrupting_dates,
    negative_answers_by_tiers,
    read_acts,
    satd_in_force,
    split_acts,
)
from .config import ConfigError, PoursuitesConfig, config
from .creances import Comptables, anv_decisions, comptable_rows, read_creances
from .demandes import (
    CONTESTATION_CLOSED,
    PLAN_GRANTED,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    DemandesDuCompte,
    PlanReglementInfo,
    demandes_of,
    plan_payments,
    read_requests,
    schedule_of,
)
from .reconnaissances import reconnaissances_of
from .situations import as_library, rows_in_force
from .tiers import (
    PRODUCTS,
    RELIABILITIES,
    RENSEIGNEMENT_KINDS,
    read_renseignements,
    record_addresses,
    tiers_from_renseignement,
    tiers_of,
)
from .vocabulaire import StatutCreance


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
    assignment: Assignment | None = None  # the family's latest (kept whether the account is treated or not)

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
    config(on)  # a date without configuration is refused first, whatever the account
    root = resolve_root(session, redevable_id)
    familles = famille.Familles({root.id: famille.family_of(session, root.id)})
    return _load(session, familles, on, for_update=for_update)[root.id]


def load_accounts(session: Session, redevable_ids: Iterable[int], on: date) -> dict[int, CompteCharge]:
    """The consolidated accounts of ``redevable_ids`` on ``on``, by surviving id (unknown ids left out):
    the same accounts as :func:`load_account`, read with one query per kind of row for all of them
    (except their place in the panels, :func:`..panels.perimetre.scope_of`, read per account)."""
    return _load(session, famille.familles_of(session, redevable_ids), on)


@dataclass
class _Lu:
    """Every kind of row of some accounts, read once for all of them (by root, or by row id)."""

    on: date
    roots: dict[int, Redevable]
    creances: dict[int, dict[int, Creance]]
    scopes: dict[int, Scope]
    comptables: dict[int, Comptables]
    acts: dict[int, ActesLus]
    renseignements: dict[int, dict[int, Renseignement]]
    addresses: dict[int, list[Adresse]]
    requests: dict[int, list[Demande]]
    decisions: dict[int, RequestDecision]
    plan_payments: dict[int, list[tuple[date, int, int]]]
    anv: dict[int, AnvDecision]
    acknowledged: dict[int, tuple[Reconnaissance, ...]]
    situations: dict[int, list[SituationRow]]


def _load(session: Session, familles: famille.Familles, on: date, *, for_update: bool = False
          ) -> dict[int, CompteCharge]:
    """Every account of ``familles``: each kind of row read once for all, then assembled per account."""
    cfg = config(on)
    lu = _read(session, familles, on, for_update)
    return {root: _assemble(lu, root, family, cfg) for root, family in familles.families.items()}


def _read(session: Session, familles: famille.Familles, on: date, for_update: bool) -> _Lu:
    """One query per kind of row (per ``famille.CHUNK`` ids), for every account of ``familles``."""
    creances = read_creances(session, familles, for_update=for_update)
    creance_owner = {cid: root for root, found in creances.items() for cid in found}
    scopes = {root: scope_of(session, family) for root, family in familles.families.items()}
    requests, decisions = read_requests(session, familles, on)
    every_request = [r for found in requests.values() for r in found]
    situations: dict[int, list[SituationRow]] = {root: [] for root in familles.families}
    acknowledged: dict[int, tuple[Reconnaissance, ...]] = {}
    for part in famille.chunks(familles.ids):
        for row in rows_in_force(session, part):
            situations[familles.owner[row.redevable_id]].append(row)
    for part in famille.chunks(creance_owner):
        acknowledged.update(reconnaissances_of(session, part, every_request, on))
    return _Lu(
        on=on,
        roots={r.id: r for part in famille.chunks(familles.families)
               for r in session.scalars(select(Redevable).where(Redevable.id.in_(part)))},
        creances=creances, scopes=scopes, comptables=comptable_rows(session, familles, creances, scopes),
        acts=split_acts(read_acts(session, creance_owner, on), creance_owner),
        renseignements=read_renseignements(session, familles, on), addresses=record_addresses(session, familles),
        requests=requests, decisions=decisions, plan_payments=plan_payments(session, every_request, on),
        anv=anv_decisions(session, creance_owner, on), acknowledged=acknowledged, situations=situations,
    )


def _assemble(lu: _Lu, root: int, family: tuple[int, ...], cfg: PoursuitesConfig) -> CompteCharge:
    """One account from the rows read: its tiers, SATD in force, requests' flags, address, créance views."""
    mine = lu.creances[root]
    read = lu.acts.get(root) or ActesLus()
    demandes = demandes_of(lu.requests[root], lu.decisions, mine, lu.plan_payments, lu.on)
    found = tiers_of(lu.renseignements[root], negative_answers_by_tiers(read))
    locks, next_generation = satd_in_force(read, lu.on)
    addresses = found.addresses + lu.addresses[root]
    choice = best_address(addresses)
    comptables = lu.comptables[root]
    charge = CompteCharge(
        root=lu.roots[root], family_ids=family, on=lu.on, config=cfg, creances=mine, views={},
        structures=comptables.structures, assigned=comptables.assigned, renseignements=lu.renseignements[root],
        tiers=found.tiers, excluded_tiers=found.excluded, redevable_view=redevable_view(lu.roots[root], choice),
        address_choice=choice, addresses=addresses, locks=locks, next_generation=next_generation,
        anv={cid: lu.anv[cid] for cid in mine if cid in lu.anv}, plans=demandes.plans, contested=demandes.contested,
        acts=read.acts, scope=lu.scopes[root], situations=as_library(lu.situations[root]),
        assignment=comptables.assignment,
    )
    charge.views = _views(charge, read, lu.acknowledged, demandes)
    return charge


def redevable_view(root: Redevable, choice: AddressChoice) -> RedevableView:
    """The debtor as documents name him, at the address chosen among every source's."""
    return RedevableView(id=str(root.id), nom=root.nom or "", prenoms=root.prenoms or "",
                         date_naissance=root.date_naissance, adresse=choice.adresse)


def _views(charge: CompteCharge, read: ActesLus, acknowledged: Mapping[int, tuple[Reconnaissance, ...]],
           demandes: DemandesDuCompte) -> dict[int, CreanceView]:
    """The créances as the library's values, the requests' flags applied, by créance id."""
    last_act, last_mise_en_demeure = interrupting_dates(read, charge.on)
    base = [creance_view(c, charge.comptable_for(c), charge.config, last_act.get(c.id),
                         last_mise_en_demeure.get(c.id), acknowledged.get(c.id, ()))
            for c in charge.creances.values()]
    flagged = apply_requests(base, charge.on, demandes.plans_lib, demandes.contestations)
    return {int(v.id): v for v in flagged}


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


__all__ = [
    "ANSWER_KINDS", "ANY_SATD_KINDS", "CANCELLING_ACT_KINDS", "CONTESTATION_CLOSED", "NEGATIVE_ANSWERS",
    "PLAN_GRANTED", "PRODUCTS", "RELIABILITIES", "RENSEIGNEMENT_KINDS", "REQUEST_KINDS", "REQUEST_STATUSES",
    "SATD_ACT_KINDS", "AccountNotFound", "CompteCharge", "ConfigError", "LockInfo", "PlanReglementInfo",
    "PoursuitesConfig", "PoursuitesError", "SatdDejaEnCours", "comptable_view", "config", "creance_view",
    "load_account", "load_accounts", "redevable_view", "resolve_root", "schedule_of", "tiers_from_renseignement",
]
