"""The plan as text for the command line (its JSON form is :meth:`PlanView.to_dict`)."""

from __future__ import annotations

from poursuites.model import (
    date_fr,
    euros,
)

from .plan import PlanView


def plan_text(view: PlanView) -> list[str]:
    """The plan in French, one line per item (for the command line)."""
    out = [f"Plan d'action coordonné — compte {view.redevable_id} ({view.redevable_name or 'sans nom'}), "
           f"au {date_fr(view.on)}"]
    out.append(f"Groupe : {view.group_label}")
    if view.comptable:
        out.append(f"Structure affectée : {view.comptable} (pour les seules créances du périmètre du panel)")
    out.append(f"Reste à recouvrer : {euros(view.total_rar_cents)} ; couvert par le plan : {euros(view.planned_cents)}")
    if view.nearest_prescription is not None:
        c = view.creances.get(view.nearest_prescription_creance_id or "")
        out.append(f"Prescription la plus proche : {date_fr(view.nearest_prescription)}"
                   + (f" (créance {c.reference})" if c else ""))
    else:
        out.append("Prescription la plus proche : aucune créance ouverte")
    if not view.steps:
        out.append("Aucune action à engager à cette date.")
    for i, s in enumerate(view.steps, 1):
        joint = " — conjointe" if s.is_joint else ""
        comptable = view.step_comptable(s)
        out.append(f"{i}. {s.label}{joint} : {len(s.creance_ids)} créance(s), {euros(s.total_cents)} "
                   f"({', '.join(p.label for p in s.products)})" + (f" — comptable {comptable}" if comptable else ""))
        if s.tiers:
            out.append("   Tiers : " + ", ".join(f"{t.name} [renseignement {t.id}]" for t in s.tiers))
        for cid in s.creance_ids:
            c = view.creances[cid]
            out.append(f"   - {c.reference} ({c.product.label}, {c.nature}) {euros(c.rar_cents)} — créance {cid}")
    for rid, why in view.excluded_tiers.items():
        out.append(f"Tiers écarté (renseignement {rid}) : {why}")
    out.append("Motif par créance :")
    for cid, d in view.decisions.items():
        c = view.creances.get(cid)
        out.append(f"  {c.reference if c else cid} (créance {cid}) : {d.reason}")
    return out
