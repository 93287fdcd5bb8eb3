"""The coordinated plan of one account: the library's plan (which takes the SATD in force and the
debtor's situations as input), with the ANV admitted applied in :func:`with_anv`.

The plan is computed per comptable over that comptable's créances only (:func:`plan_per_comptable`):
a joint act never covers créances of two comptables. For a treated member the assigned structure's
créances are those of its panel's configuration; for a témoin each office keeps its own."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from panels.scope import categorie
from poursuites.catalogue import ActionKind
from poursuites.eligibility import Decision
from poursuites.model import (
    CreanceView,
    date_fr,
)
from poursuites.plan import Plan, PlanStep, plan_account
from poursuites.prescription import prescription

from ..comptes.consolide import CompteCharge, LockInfo, PlanReglementInfo


@dataclass(frozen=True)
class PlanView:
    """The coordinated plan of one account: the library's plan, minus the SATD already in force,
    with the créances, the comptable and the reasons, ready for the web page, the CLI and JSON."""

    redevable_id: int
    redevable_name: str
    on: date
    steps: tuple[PlanStep, ...]
    decisions: dict[str, Decision]  # créance id (text) -> reason
    nearest_prescription: date | None
    nearest_prescription_creance_id: str | None
    total_rar_cents: int
    planned_cents: int
    creances: dict[str, CreanceView]
    comptable: str | None  # code of the assigned structure, when there is one
    excluded_tiers: dict[int, str]
    satd_en_cours: tuple[LockInfo, ...]
    plans_reglement: tuple[PlanReglementInfo, ...]
    config_version: str
    group: str = "none"  # panel, control, none (panels.scope.ScopeGroup)
    group_label: str = "Hors panel"
    categories: dict[str, str] = dataclasses.field(default_factory=dict)  # créance id -> category
    origines: dict[str, str] = dataclasses.field(default_factory=dict)  # créance id -> original comptable code
    in_scope: dict[str, bool] = dataclasses.field(default_factory=dict)  # créance id -> assigned structure's
    lock_comptables: dict[int, str] = dataclasses.field(default_factory=dict)  # acte id -> structure code

    def step_comptable(self, step: PlanStep) -> str | None:
        """The one comptable of a step (steps are computed per comptable)."""
        codes = {self.creances[c].comptable_code for c in step.creance_ids if c in self.creances}
        return codes.pop() if len(codes) == 1 else None

    @property
    def satd_steps(self) -> tuple[PlanStep, ...]:
        return tuple(s for s in self.steps if s.action in (ActionKind.SATD_BANQUE, ActionKind.SATD_TIERS))

    def step_for_tiers(self, renseignement_id: int, comptable: str | None = None) -> PlanStep | None:
        """The SATD step to this tiers (of ``comptable`` when given)."""
        for step in self.satd_steps:
            if any(t.id == str(renseignement_id) for t in step.tiers) and (
                    comptable is None or self.step_comptable(step) == comptable):
                return step
        return None

    def to_dict(self) -> dict[str, Any]:
        def cents_of(cid: str) -> int:
            return self.creances[cid].rar_cents if cid in self.creances else 0

        steps = []
        for i, s in enumerate(self.steps, 1):
            steps.append({
                "rang": i, "action": s.action.value, "label": s.label, "joint": s.is_joint,
                "comptable": self.step_comptable(s),
                "tiers_kind": s.tiers_kind.value if s.tiers_kind else None,
                "creance_ids": [int(c) for c in s.creance_ids], "total_cents": s.total_cents,
                "products": [p.value for p in s.products],
                "creances": [{"id": int(c), "reference": self.creances[c].reference, "rar_cents": cents_of(c)}
                             for c in s.creance_ids],
                "tiers": [{"renseignement_id": int(t.id), "kind": t.kind.value, "name": t.name,
                           "identifier": t.identifier} for t in s.tiers],
            })
        creances = []
        for cid, c in self.creances.items():
            d = self.decisions.get(cid)
            creances.append({
                "id": int(cid), "reference": c.reference, "product": c.product.value, "nature": c.nature,
                "creditor": c.creditor_name, "comptable": c.comptable_code, "rar_cents": c.rar_cents,
                "category": self.categories.get(cid), "comptable_origine": self.origines.get(cid),
                "in_scope": self.in_scope.get(cid, False),
                "prescription": prescription(c).date.isoformat(),
                "eligible": bool(d and d.eligible), "code": d.code if d else None,
                "action": d.action.value if d and d.action else None, "reason": d.reason if d else None,
            })
        nearest = None
        if self.nearest_prescription is not None:
            cid = self.nearest_prescription_creance_id
            nearest = {"date": self.nearest_prescription.isoformat(), "creance_id": int(cid) if cid else None,
                       "reference": self.creances[cid].reference if cid in self.creances else None}
        return {
            "redevable_id": self.redevable_id, "redevable": self.redevable_name, "date": self.on.isoformat(),
            "group": self.group, "group_label": self.group_label,
            "comptable": self.comptable, "total_rar_cents": self.total_rar_cents, "planned_cents": self.planned_cents,
            "nearest_prescription": nearest, "steps": steps, "creances": creances,
            "satd_en_cours": [{"creance_id": lk.creance_id, "renseignement_id": lk.renseignement_id,
                               "acte_id": lk.acte_id, "issued_on": lk.issued_on.isoformat(),
                               "comptable": self.lock_comptables.get(lk.acte_id)}
                              for lk in self.satd_en_cours],
            "tiers_ecartes": [{"renseignement_id": rid, "reason": why} for rid, why in self.excluded_tiers.items()],
            "plans_reglement": [{"request_id": p.request_id, "creance_ids": list(p.creance_ids),
                                 "decision": p.latest_status,
                                 "state": p.status.state.value if p.status else None,
                                 "reason": p.status.reason if p.status else None} for p in self.plans_reglement],
            "config_version": self.config_version,
        }


def with_anv(decisions: dict[str, Decision], account: CompteCharge) -> None:
    """The reason of each créance admitted en non-valeur (left out of the library's input)."""
    for cid, d in account.anv_admitted.items():
        decisions[str(cid)] = Decision(
            str(cid), None, False, "admise_en_non_valeur",
            f"Admise en non-valeur le {date_fr(d.decided_on)} : poursuites arrêtées (reprise en cas de retour à "
            "meilleure fortune).")


def plan_per_comptable(account: CompteCharge) -> Plan:
    """The library's plan run once per comptable over that comptable's créances, merged (steps grouped
    by comptable, in the order of their codes)."""
    compte, on, seuils = account.compte(), account.on, account.config.seuils
    by_comptable: dict[str, list[CreanceView]] = {}
    for v in compte.creances:
        by_comptable.setdefault(v.comptable_code, []).append(v)
    if len(by_comptable) <= 1:
        return plan_account(compte, on, seuils)
    plans = [plan_account(dataclasses.replace(compte, creances=tuple(by_comptable[code])), on, seuils)
             for code in sorted(by_comptable)]
    dated = [(p.nearest_prescription, p.nearest_prescription_creance_id) for p in plans if p.nearest_prescription]
    nearest = min(dated, key=lambda d: d[0]) if dated else (None, None)
    decisions: dict[str, Decision] = {}
    exclus: dict[object, object] = {}
    for p in plans:
        decisions.update(p.decisions)
        exclus.update({x: None for x in p.tiers_exclus})
    return Plan(redevable_id=compte.redevable_id, on=on, steps=tuple(s for p in plans for s in p.steps),
                decisions=decisions, nearest_prescription=nearest[0], nearest_prescription_creance_id=nearest[1],
                total_rar_cents=sum(p.total_rar_cents for p in plans),
                planned_cents=sum(p.planned_cents for p in plans),
                tiers_exclus=tuple(exclus))


def plan_for(account: CompteCharge) -> PlanView:
    """The coordinated plan of the account, per comptable: the créances under an SATD in force, the tiers
    no SATD may reach and the debtor's situations are the library's (their reasons say so)."""
    on = account.on
    plan: Plan = plan_per_comptable(account)
    steps, decisions = list(plan.steps), dict(plan.decisions)
    with_anv(decisions, account)
    excluded = dict(account.excluded_tiers)
    for exclu in plan.tiers_exclus:
        for t in exclu.tiers:
            excluded.setdefault(int(t.id), exclu.reason)
    in_steps = {cid for s in steps for cid in s.creance_ids}
    planned = sum(account.views[int(c)].rar_cents for c in in_steps)
    order = {str(cid): i for i, cid in enumerate(account.views)}
    return PlanView(
        redevable_id=account.id,
        redevable_name=account.redevable_view.display_name,
        on=on,
        steps=tuple(steps),
        decisions=dict(sorted(decisions.items(), key=lambda kv: order.get(kv[0], 0))),
        nearest_prescription=plan.nearest_prescription,
        nearest_prescription_creance_id=plan.nearest_prescription_creance_id,
        total_rar_cents=plan.total_rar_cents,
        planned_cents=planned,
        creances={str(cid): v for cid, v in account.views.items()},
        comptable=account.assigned.code if account.assigned else None,
        excluded_tiers=excluded,
        satd_en_cours=tuple(account.locks.values()),
        plans_reglement=tuple(account.plans),
        config_version=account.config.version,
        group=account.scope.group.value,
        group_label=account.scope.label,
        categories={str(cid): categorie(c.product, bool(c.is_hospital)) for cid, c in account.creances.items()},
        origines={str(cid): account.structures[c.structure_id].code for cid, c in account.creances.items()},
        in_scope={str(cid): account.in_scope(c) for cid, c in account.creances.items()},
        lock_comptables={lk.acte_id: _structure_code(account, lk.acte_id) for lk in account.locks.values()},
    )


def _structure_code(account: CompteCharge, acte_id: int) -> str | None:
    acte = account.acts.get(acte_id)
    if acte is None or acte.structure_id is None:
        return None
    s = account.structures.get(acte.structure_id)
    return s.code if s is not None else None
