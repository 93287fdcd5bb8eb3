"""Coordinated action plan for one consolidated account.

Rules, in order, for each créance of the account (every créance gets a French reason):

1. Common preconditions (:func:`eligibility.check_creance`), including the debtor's situations
   (``CompteConsolide.situations``) that forbid every act: a refused créance gets no step.
2. Known tiers détenteurs are grouped by :attr:`TiersDetenteur.group_key` (several accounts in
   one bank → one tiers). A tiers whose payments are unseizable (the CAF: ``data/tiers.toml``) is
   never proposed; it is listed in ``Plan.tiers_exclus`` with the reason. Each other group receives
   **one joint SATD** covering every créance, of every product, eligible for that SATD (bank or
   employer/other thresholds may differ, a situation such as a surendettement may forbid it), except:
   - a créance already under an SATD in force with a tiers of the group (``CompteConsolide.satd_en_cours``)
     → ``satd_en_cours``;
   - a créance already under an SATD in force with another tiers: no second full-amount SATD
     (over-seizure) → ``satd_en_cours`` too; :mod:`poursuites.mainlevee` proposes releasing the
     others once the sums seized cover the debt.
3. A créance covered by no SATD:
   - amendes and local debts, when no tiers is known → one **phase comminatoire** file;
   - impôts, when no tiers is known → **mise en demeure de payer** if none was sent, else
     **saisie-vente** once the 30-day delay has run;
   - otherwise (tiers known but under its SATD threshold, or no other route) → **lettre de
     relance**, one letter for the account.
4. The nearest future prescription date of the account is reported, with its créance.

Steps come in this order: SATD banque, SATD other tiers, mise en demeure, saisie-vente,
phase comminatoire, lettre de relance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .catalogue import CATALOGUE, ActionKind
from .eligibility import NO_THRESHOLDS, Decision, SeuilsPoursuite, check_action, check_creance
from .model import (
    CompteConsolide,
    CreanceView,
    Product,
    SatdEnCours,
    Situation,
    TiersDetenteur,
    TiersKind,
    date_fr,
)
from .prescription import prescription_date
from .situations import refus_situation, refus_tiers


@dataclass(frozen=True, slots=True)
class PlanStep:
    action: ActionKind
    creance_ids: tuple[str, ...]
    total_cents: int
    products: tuple[Product, ...]
    tiers: tuple[TiersDetenteur, ...] = ()  # the tiers group (SATD only)

    @property
    def label(self) -> str:
        label = CATALOGUE[self.action].label
        if self.tiers:
            return f"{label} — {self.tiers[0].name}"
        return label

    @property
    def is_joint(self) -> bool:
        """Covers several créances."""
        return len(self.creance_ids) > 1

    @property
    def tiers_kind(self) -> TiersKind | None:
        """Kind of the tiers the step targets (SATD), None otherwise."""
        return self.tiers[0].kind if self.tiers else None


@dataclass(frozen=True, slots=True)
class TiersExclu:
    """A known tiers group the plan never targets, with why."""

    tiers: tuple[TiersDetenteur, ...]
    code: str
    reason: str

    @property
    def tiers_kind(self) -> TiersKind:
        return self.tiers[0].kind


@dataclass(frozen=True, slots=True)
class Plan:
    redevable_id: str
    on: date
    steps: tuple[PlanStep, ...]
    decisions: dict[str, Decision]  # créance id → reason (the first step it is in, or why none)
    nearest_prescription: date | None
    nearest_prescription_creance_id: str | None
    total_rar_cents: int
    planned_cents: int  # RAR of the créances in at least one step
    tiers_exclus: tuple[TiersExclu, ...] = ()

    @property
    def satd_steps(self) -> tuple[PlanStep, ...]:
        return tuple(s for s in self.steps if s.action in (ActionKind.SATD_BANQUE, ActionKind.SATD_TIERS))


_TIERS_ORDER = {
    TiersKind.BANQUE: 0, TiersKind.EMPLOYEUR: 1, TiersKind.CAISSE_RETRAITE: 2, TiersKind.CAF: 3,
    TiersKind.LOCATAIRE: 4, TiersKind.NOTAIRE: 5, TiersKind.AUTRE: 6,
}
_OTHER_ORDER = (
    ActionKind.MISE_EN_DEMEURE, ActionKind.SAISIE_VENTE, ActionKind.PHASE_COMMINATOIRE, ActionKind.LETTRE_RELANCE,
)
_SATD, _SATD_BANQUE = ActionKind.SATD_TIERS, ActionKind.SATD_BANQUE
_COMMINATOIRE_PRODUCTS = CATALOGUE[ActionKind.PHASE_COMMINATOIRE].products


def group_tiers(tiers: Iterable[TiersDetenteur]) -> list[tuple[TiersDetenteur, ...]]:
    groups: dict[str, list[TiersDetenteur]] = {}
    for t in tiers:
        groups.setdefault(t.group_key, []).append(t)
    ordered = sorted(groups.values(), key=lambda g: _TIERS_ORDER[g[0].kind])
    return [tuple(g) for g in ordered]


def plan_account(
    compte: CompteConsolide, on: date, seuils: SeuilsPoursuite = NO_THRESHOLDS
) -> Plan:
    groups: list[tuple[TiersDetenteur, ...]] = []
    excluded: list[TiersExclu] = []
    for g in group_tiers(compte.tiers):
        refus = refus_tiers(g[0].kind)
        if refus is None:
            groups.append(g)
        else:
            excluded.append(TiersExclu(g, refus.code, refus.reason))
    group_actions = [_SATD_BANQUE if g[0].kind is TiersKind.BANQUE else _SATD for g in groups]
    satd_by_creance: dict[str, list[SatdEnCours]] = {}
    for s in sorted(compte.satd_en_cours, key=lambda s: (s.issued_on, s.acte_id)):
        satd_by_creance.setdefault(s.creance_id, []).append(s)
    situations = compte.situations
    satd_members: list[list[CreanceView]] = [[] for _ in groups]
    others: dict[ActionKind, list[CreanceView]] = {}
    decisions: dict[str, Decision] = {}
    nearest: date | None = None
    nearest_id: str | None = None
    total = 0
    planned = 0
    has_tiers = bool(groups)

    for c in compte.creances:
        pdate = prescription_date(c)
        if not c.cancelled and c.rar_cents > 0:
            total += c.rar_cents
            if pdate > on and (nearest is None or pdate < nearest):
                nearest, nearest_id = pdate, c.id
        refused = check_creance(c, on, pdate, situations)
        if refused is not None:
            decisions[c.id] = refused
            continue
        in_force = satd_by_creance.get(c.id, [])
        if in_force:
            # Under an SATD in force: with the same tiers it runs already; with another tiers a second
            # full-amount SATD would over-seize. A situation (surendettement…) is the reason that comes first.
            decisions[c.id] = _in_force_decision(c, in_force, groups, group_actions, situations, on)
            continue
        first: Decision | None = None
        last: Decision | None = None
        cache: dict[tuple[ActionKind, TiersKind], Decision] = {}
        for i, action in enumerate(group_actions):
            key = (action, groups[i][0].kind)
            d = cache.get(key)
            if d is None:
                d = cache[key] = check_action(c, action, on, seuils, pdate, situations, key[1])
            if d.eligible:
                satd_members[i].append(c)
                if first is None:
                    first = d
            else:
                last = d
        if first is None:
            for action in _fallback_actions(c, has_tiers):
                d = check_action(c, action, on, seuils, pdate, situations)
                if d.eligible:
                    others.setdefault(action, []).append(c)
                    first = d
                    break
                last = d
        if first is not None:
            decisions[c.id] = first
            planned += c.rar_cents
        else:
            assert last is not None
            decisions[c.id] = last

    steps: list[PlanStep] = []
    for group, action, members in zip(groups, group_actions, satd_members, strict=True):
        if members:
            steps.append(_step(action, members, group))
    for action in _OTHER_ORDER:
        members = others.get(action)
        if members:
            steps.append(_step(action, members, ()))
    return Plan(
        redevable_id=compte.redevable_id,
        on=on,
        steps=tuple(steps),
        decisions=decisions,
        nearest_prescription=nearest,
        nearest_prescription_creance_id=nearest_id,
        total_rar_cents=total,
        planned_cents=planned,
        tiers_exclus=tuple(excluded),
    )


def _in_force_decision(
    c: CreanceView,
    in_force: Sequence[SatdEnCours],
    groups: Sequence[tuple[TiersDetenteur, ...]],
    group_actions: Sequence[ActionKind],
    situations: Sequence[Situation],
    on: date,
) -> Decision:
    for group, action in zip(groups, group_actions, strict=True):
        refus = refus_situation(c, action, situations, on, group[0].kind) if situations else None
        if refus is not None:
            return Decision(c.id, action, False, refus.code, refus.reason)
    held = {s.tiers_id for s in in_force}
    action = next((a for g, a in zip(groups, group_actions, strict=True) if any(t.id in held for t in g)), _SATD)
    return _locked(c, action, in_force, {t.id for g in groups for t in g})


def _locked(c: CreanceView, action: ActionKind, in_force: Sequence[SatdEnCours], group_ids: set[str]) -> Decision:
    same = next((s for s in in_force if s.tiers_id in group_ids), None)
    s = same or in_force[0]
    who = s.tiers_name or "ce tiers"
    if same is not None:
        reason = f"SATD déjà en cours auprès de {who} (acte n° {s.acte_id} du {date_fr(s.issued_on)})."
    else:
        reason = (f"Déjà couverte par la SATD en cours auprès de {who} (acte n° {s.acte_id} du "
                  f"{date_fr(s.issued_on)}) : pas de seconde saisie du même montant auprès d'un autre tiers "
                  "(saisie excessive) ; mainlevée à proposer dès que les sommes saisies couvrent la dette.")
    return Decision(c.id, action, False, "satd_en_cours", reason)


def _fallback_actions(c: CreanceView, has_tiers: bool) -> tuple[ActionKind, ...]:
    if not has_tiers:
        if c.product in _COMMINATOIRE_PRODUCTS:
            return (ActionKind.PHASE_COMMINATOIRE, ActionKind.LETTRE_RELANCE)
        if c.product is Product.IMPOTS:
            if c.date_mise_en_demeure is None:
                return (ActionKind.MISE_EN_DEMEURE, ActionKind.LETTRE_RELANCE)
            return (ActionKind.SAISIE_VENTE,)
    return (ActionKind.LETTRE_RELANCE,)


def _step(action: ActionKind, members: Sequence[CreanceView], tiers: tuple[TiersDetenteur, ...]) -> PlanStep:
    products = tuple(dict.fromkeys(c.product for c in members))
    return PlanStep(
        action=action,
        creance_ids=tuple(c.id for c in members),
        total_cents=sum(c.rar_cents for c in members),
        products=products,
        tiers=tiers,
    )


def plan_accounts(
    comptes: Iterable[CompteConsolide], on: date, seuils: SeuilsPoursuite = NO_THRESHOLDS
) -> list[Plan]:
    return [plan_account(c, on, seuils) for c in comptes]
