"""Manual assignment of the treated members « à affecter manuellement » of a published panel: one by
one or in bulk, always with a reason; each an ``Assignment`` row and an audit line, all in one
transaction (a refused member refuses the whole batch: nothing half written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

import panels as lib

from ...extensions import db
from ...models import Assignment, AuditLog, PanelMember, Structure
from ..errors import Conflit, Refus
from .composition import _commune_names, _get, current_assignments

MAX_REASON = 2000


def pending_manual(name: str) -> list[dict]:
    """The panel's « à affecter » list still without a structure in force, with why and candidates."""
    with db.new_session() as session:
        panel = _get(session, name)
        manual = (panel.report or {}).get("manual") or []
        in_force = current_assignments(session, [e["redevable_id"] for e in manual])
    names = _commune_names()
    out = []
    for entry in manual:
        current = in_force.get(entry["redevable_id"])
        if current is not None and current.panel_id == panel.id and current.structure_id is not None:
            continue
        code = entry.get("code_insee")
        out.append({**entry, "commune": f"{names.get(code, code)} ({code})" if code else None})
    return out


def structure_choices(configuration: int) -> list[tuple[str, str]]:
    """(code, label) of the structures that may take a treated member of this configuration."""
    wanted = lib.CONFIGURATION_STRUCTURE_TYPE[configuration].value
    with db.new_session() as session:
        rows = session.execute(select(Structure.code, Structure.name).where(Structure.type == wanted)
                               .order_by(Structure.code)).all()
    return [(code, f"{code} — {label}") for code, label in rows]


def assign_members(name: str, redevable_ids: Sequence[int], structure_code: str, reason: str,
                   agent_id: int | None = None) -> list[dict]:
    """Assign treated members of the published panel ``name`` to ``structure_code``, with ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise Refus("Affectation refusée : le motif est obligatoire.")
    if len(reason) > MAX_REASON:
        raise Refus(f"Affectation refusée : le motif dépasse {MAX_REASON} caractères.")
    ids = sorted(set(redevable_ids))
    if not ids:
        raise Refus("Affectation refusée : aucun redevable choisi.")
    now = datetime.now(UTC)
    with db.transaction() as session:
        panel = _get(session, name, lock=True)
        if panel.status != lib.PanelState.PUBLISHED.value:
            raise Conflit(f"Affectation refusée : le panel {name} est {lib.PanelState(panel.status).label} ; "
                          f"seuls les membres d'un panel publié peuvent être affectés.")
        structure = session.scalar(select(Structure).where(Structure.code == structure_code))
        if structure is None:
            raise Refus(f"Affectation refusée : structure inconnue « {structure_code} ».")
        expected = lib.CONFIGURATION_STRUCTURE_TYPE[panel.configuration]
        if structure.type != expected.value:
            raise Refus(f"Affectation refusée : la configuration {panel.configuration} confie les redevables à "
                        f"un(e) {expected.label} ; {structure_code} n'en est pas un(e).")
        groups = dict(session.execute(select(PanelMember.redevable_id, PanelMember.group)
                                      .where(PanelMember.panel_id == panel.id, PanelMember.redevable_id.in_(ids)))
                      .all())
        wrong = [rid for rid in ids if groups.get(rid) != lib.Group.PANEL.value]
        if wrong:
            listed = ", ".join(str(r) for r in wrong[:20])
            raise Refus(f"Affectation refusée : redevable(s) {listed} hors du groupe traité du panel {name} "
                        f"(un témoin garde la gestion habituelle).")
        text = f"Panel {name}, affectation manuelle à {structure_code} : {reason}"
        done = []
        for rid in ids:
            session.add(Assignment(redevable_id=rid, structure_id=structure.id, panel_id=panel.id, reason=text,
                                   created_at=now, agent_id=agent_id))
            session.add(AuditLog(agent_id=agent_id, action="panel_affectation", object_type="redevable",
                                 object_id=str(rid), details={"panel": name, "structure": structure_code,
                                                              "motif": reason}))
            done.append({"redevable_id": rid, "structure": structure_code, "reason": text})
    return done
