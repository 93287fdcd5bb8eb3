"""Reading dossiers: with their events and what remains due, for lists, pages and statistics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Creance, DossierCommissaire, DossierEvenement, DossierLigne, Etude, Structure
from ..errors import Introuvable
from .etat import EtatDossier, etat


@dataclass(frozen=True)
class DossierVue:
    dossier: DossierCommissaire
    etude: Etude
    structure: Structure
    events: list[DossierEvenement]
    rar_cents: int
    etat: EtatDossier


def charger(session: Session, on: date, *, structure_id: int | None = None, etude_id: int | None = None,
            dossier_ids: list[int] | None = None, redevable_ids: list[int] | None = None) -> list[DossierVue]:
    """Dossiers (of one comptable when ``structure_id`` is given: a comptable sees only its own)."""
    q = select(DossierCommissaire).order_by(DossierCommissaire.transmis_le.desc(), DossierCommissaire.id.desc())
    if structure_id is not None:
        q = q.where(DossierCommissaire.structure_id == structure_id)
    if etude_id is not None:
        q = q.where(DossierCommissaire.etude_id == etude_id)
    if dossier_ids is not None:
        q = q.where(DossierCommissaire.id.in_(dossier_ids))
    if redevable_ids is not None:
        q = q.where(DossierCommissaire.redevable_id.in_(redevable_ids))
    dossiers = list(session.scalars(q))
    if not dossiers:
        return []
    ids = [d.id for d in dossiers]
    events: dict[int, list[DossierEvenement]] = defaultdict(list)
    for e in session.scalars(select(DossierEvenement).where(DossierEvenement.dossier_id.in_(ids))
                             .order_by(DossierEvenement.survenu_le, DossierEvenement.id)):
        events[e.dossier_id].append(e)
    rar = dict(session.execute(
        select(DossierLigne.dossier_id, func.sum(Creance.rar_cents))
        .join(Creance, Creance.id == DossierLigne.creance_id)
        .where(DossierLigne.dossier_id.in_(ids), Creance.status != "annulee")
        .group_by(DossierLigne.dossier_id)).all())
    etudes = {e.id: e for e in session.scalars(select(Etude))}
    structures = {s.id: s for s in session.scalars(select(Structure).where(
        Structure.id.in_({d.structure_id for d in dossiers})))}
    return [DossierVue(d, etudes[d.etude_id], structures[d.structure_id], events[d.id], int(rar.get(d.id) or 0),
                       etat(d, events[d.id], int(rar.get(d.id) or 0), on)) for d in dossiers]


def un_dossier(session: Session, numero_or_id: str | int, on: date, structure_id: int | None = None) -> DossierVue:
    """One dossier by number or id; :class:`Introuvable` when unknown or not the comptable's own."""
    q = select(DossierCommissaire.id)
    text = str(numero_or_id)
    q = q.where(DossierCommissaire.id == int(text)) if text.isdigit() else q.where(DossierCommissaire.numero == text)
    did = session.scalar(q)
    found = charger(session, on, structure_id=structure_id, dossier_ids=[did]) if did is not None else []
    if not found:
        raise Introuvable(f"Dossier de commissaire de justice inconnu : {numero_or_id}.")
    return found[0]


def creances_en_dossier_ouvert(session: Session, creance_ids: list[int], on: date) -> dict[int, DossierVue]:
    """The open dossier (en cours or suspendu) holding each of ``creance_ids``, when there is one."""
    if not creance_ids:
        return {}
    dossier_ids = sorted(set(session.scalars(
        select(DossierLigne.dossier_id).where(DossierLigne.creance_id.in_(creance_ids)))))
    out: dict[int, DossierVue] = {}
    if not dossier_ids:
        return out
    for v in charger(session, on, dossier_ids=dossier_ids):
        if v.etat.ouvert:
            for line in v.dossier.lignes:
                out[line.creance_id] = v
    return out
