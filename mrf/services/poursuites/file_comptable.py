"""The comptable's queue: what waits for his decision on the accounts of his structure — debtor's
requests not yet decided, ANV proposals without a verdict — and the counts shown on the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import AnvProposition, Demande, Redevable, RequestDecision
from ..admin.access import User, redevable_filter
from . import anv


@dataclass(frozen=True)
class DemandeEnAttente:
    id: int
    redevable_id: int
    redevable: str
    kind: str
    received_on: date
    creance_ids: tuple[int, ...]
    texte: str
    sursis: bool | None
    routes: tuple[dict, ...]


@dataclass(frozen=True)
class FileComptable:
    demandes: tuple[DemandeEnAttente, ...]
    anv: tuple[AnvProposition, ...]
    noms: dict[int, str]

    @property
    def count(self) -> int:
        return len(self.demandes) + len(self.anv)


def _name(r: Redevable) -> str:
    return f"{r.nom} {r.prenoms or ''}".strip()


def pending_requests(session: Session, user: User) -> list[DemandeEnAttente]:
    """Requests with no decision at all, on the accounts ``user`` may see, oldest first."""
    decided = select(RequestDecision.request_id)
    rows = session.execute(select(Demande, Redevable).join(Redevable, Redevable.id == Demande.redevable_id)
                           .where(~Demande.id.in_(decided), redevable_filter(user, Demande.redevable_id))
                           .order_by(Demande.received_on, Demande.id)).all()
    return [DemandeEnAttente(d.id, d.redevable_id, _name(r), d.kind, d.received_on,
                             tuple(int(c) for c in d.creance_ids or ()), str((d.details or {}).get("texte", "")),
                             (d.details or {}).get("sursis") if d.kind == "contestation" else None,
                             tuple((d.details or {}).get("routes", ()))) for d, r in rows]


def queue(session: Session, user: User) -> FileComptable:
    demandes = pending_requests(session, user)
    proposals = anv.pending(session, user)
    names = {r.id: _name(r) for r in session.scalars(
        select(Redevable).where(Redevable.id.in_([p.redevable_id for p in proposals])))} if proposals else {}
    return FileComptable(tuple(demandes), tuple(proposals), names)


__all__ = ["DemandeEnAttente", "FileComptable", "pending_requests", "queue"]
