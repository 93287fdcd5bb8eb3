"""The coordinated plan of one account: the library's plan (which takes the SATD in force and the
debtor's situations as input), with the ANV admitted applied in :func:`with_anv`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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

    @property
    def satd_steps(self) -> tuple[PlanStep, ...]:
        return tuple(s for s in self.steps if s.action in (ActionKind.SATD_BANQUE, ActionKind.SATD_TIERS))

    def step_for_tiers(self, renseignement_id: int) -> PlanStep | None:
        for step in self.satd_steps:
            if any(t.id == str(renseignement_id) for t in step.tiers):
                return step
        return None

    def to_dict(self) -> dict[str, Any]:
        def cents_of(cid: str) -> int:
            return self.creances[cid].rar_cents if cid in self.creances else 0

        steps = []
        for i, s in enumerate(self.steps, 1):
            steps.append({
                "rang": i, "action": s.action.value, "label": s.label, "joint": s.is_joint,
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
            "comptable": self.comptable, "total_rar_cents": self.total_rar_cents, "planned_cents": self.planned_cents,
            "nearest_prescription": nearest, "steps": steps, "creances": creances,
            "satd_en_cours": [{"creance_id": lk.creance_id, "renseignement_id": lk.renseignement_id,
                               "acte_id": lk.acte_id, "issued_on": lk.issued_on.isoformat()}
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


def plan_for(account: CompteCharge) -> PlanView:
    """The library's coordinated plan for the account: the créances under an SATD in force, the tiers no
    SATD may reach and the debtor's situations are the library's (their reasons say so)."""
    on = account.on
    plan: Plan = plan_account(account.compte(), on, account.config.seuils)
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
    )
