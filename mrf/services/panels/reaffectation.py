"""Reassignment proposals: listed with their decision, and decided (accepted or refused, with a
reason). A decision is a new ``ReassignmentDecision`` row (who, when, why); an accepted one also
writes the new ``Assignment``. One transaction each, audited."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

import panels as lib

from ...extensions import db
from ...models import Agent, Assignment, AuditLog, Panel, ReassignmentDecision, ReassignmentProposal, Structure
from ..errors import Conflit, Introuvable, Refus
from .composition import _get

DECISIONS = {"acceptee": "acceptée", "refusee": "refusée"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def list_proposals(panel_name: str | None = None, *, pending_only: bool = False) -> list[dict]:
    """Proposals (of one panel, or all), oldest first, each with its decision when taken."""
    with db.new_session() as session:
        q = select(ReassignmentProposal, Panel.name).join(Panel, Panel.id == ReassignmentProposal.panel_id)
        if panel_name is not None:
            q = q.where(Panel.id == _get(session, panel_name).id)
        rows = session.execute(q.order_by(ReassignmentProposal.id)).all()
        codes = dict(session.execute(select(Structure.id, Structure.code)).all())
        decisions: dict[int, tuple[ReassignmentDecision, str | None]] = {}
        ids = [p.id for p, _ in rows]
        if ids:
            by_agent = Agent.id == ReassignmentDecision.agent_id
            for d, login in session.execute(
                    select(ReassignmentDecision, Agent.login).outerjoin(Agent, by_agent)
                    .where(ReassignmentDecision.proposal_id.in_(ids)).order_by(ReassignmentDecision.id)):
                decisions.setdefault(d.proposal_id, (d, login))  # the first decision is the one in force
    out = []
    for p, name in rows:
        decided = decisions.get(p.id)
        if pending_only and decided is not None:
            continue
        entry = {"id": p.id, "panel": name, "redevable_id": p.redevable_id,
                 "from_structure": codes.get(p.from_structure_id), "to_structure": codes.get(p.to_structure_id),
                 "reason": p.reason, "created_at": _iso(p.created_at), "decision": None}
        if decided is not None:
            d, login = decided
            entry["decision"] = {"decision": d.decision, "label": DECISIONS[d.decision],
                                 "structure": codes.get(d.structure_id), "reason": d.reason,
                                 "decided_at": _iso(d.decided_at), "agent": login}
        out.append(entry)
    return out


def decide(proposal_id: int, accept: bool, reason: str, agent_id: int | None = None,
           structure_code: str | None = None) -> dict:
    """Accept (a new Assignment to the proposed structure, or ``structure_code``) or refuse a pending
    proposal; ``reason`` is required. A proposal already decided is refused (the first decision holds)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refus("Décision refusée : le motif est obligatoire.")
    with db.transaction() as session:
        p = session.get(ReassignmentProposal, proposal_id, with_for_update=True)
        if p is None:
            raise Introuvable(f"Proposition de réaffectation inconnue : {proposal_id}.")
        previous = session.scalar(select(ReassignmentDecision).where(ReassignmentDecision.proposal_id == p.id)
                                  .order_by(ReassignmentDecision.id).limit(1))
        if previous is not None:
            raise Conflit(f"La proposition {proposal_id} a déjà été {DECISIONS[previous.decision]} "
                          f"le {previous.decided_at:%d/%m/%Y}.")
        panel = session.get(Panel, p.panel_id) if p.panel_id is not None else None
        target = p.to_structure_id
        if accept:
            if panel is None or panel.status != lib.PanelState.PUBLISHED.value:
                raise Conflit("Décision refusée : le panel de cette proposition n'est plus publié.")
            if structure_code:
                target = session.scalar(select(Structure.id).where(Structure.code == structure_code))
                if target is None:
                    raise Refus(f"Décision refusée : structure inconnue « {structure_code} ».")
            if target is None:
                raise Refus("Décision refusée : aucune structure proposée ; indiquer la structure retenue.")
        now = datetime.now(UTC)
        decision = "acceptee" if accept else "refusee"
        session.add(ReassignmentDecision(proposal_id=p.id, decision=decision, structure_id=target if accept else None,
                                         reason=reason, decided_at=now, agent_id=agent_id))
        if accept:
            session.add(Assignment(redevable_id=p.redevable_id, structure_id=target, panel_id=p.panel_id,
                                   reason=f"Réaffectation acceptée : {p.reason} — motif : {reason}",
                                   created_at=now, agent_id=agent_id))
        code = session.scalar(select(Structure.code).where(Structure.id == target)) if accept else None
        session.add(AuditLog(agent_id=agent_id, action=f"reaffectation_{decision}", object_type="redevable",
                             object_id=str(p.redevable_id),
                             details={"proposition": p.id, "panel": panel.name if panel else None,
                                      "structure": code, "motif": reason}))
    return {"id": proposal_id, "decision": decision, "redevable_id": p.redevable_id, "structure": code}


def pending_keys(session) -> set[tuple[int, int | None, int | None]]:  # noqa: ANN001
    """(redevable, panel, target structure) of the proposals without a decision (not proposed again)."""
    decided = select(ReassignmentDecision.proposal_id)
    return {(r.redevable_id, r.panel_id, r.to_structure_id) for r in session.scalars(
        select(ReassignmentProposal).where(ReassignmentProposal.id.not_in(decided)))}
