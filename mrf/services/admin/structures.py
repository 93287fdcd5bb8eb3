"""Structures (postes comptables) and their territory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from ...extensions import db
from ...models import Structure, StructureCommune

STRUCTURE_TYPES = {
    "sip": "Service des impôts des particuliers",
    "tresorerie_amendes": "Trésorerie amendes",
    "tresorerie_mixte": "Trésorerie mixte",
    "tresorerie_spl": "Trésorerie du secteur public local",
}


@dataclass(frozen=True)
class StructureSpec:
    code: str
    name: str
    type: str
    departement: str
    products: tuple[str, ...]
    communes: tuple[str, ...]
    configuration: int | None = None


def list_structures() -> list[dict]:
    with db.new_session() as session:
        rows = session.scalars(select(Structure).order_by(Structure.departement, Structure.code)).all()
        return [{"code": s.code, "name": s.name, "type": s.type, "departement": s.departement,
                 "products": list(s.products), "configuration": s.configuration} for s in rows]


def upsert_structures(specs: Iterable[StructureSpec]) -> int:
    """Create or update structures and replace their territory; idempotent."""
    count = 0
    with db.transaction() as session:
        for spec in specs:
            if spec.type not in STRUCTURE_TYPES:
                raise ValueError(f"Type de structure inconnu : {spec.type}")
            structure = session.scalar(select(Structure).where(Structure.code == spec.code))
            if structure is None:
                structure = Structure(code=spec.code)
                session.add(structure)
            structure.name = spec.name
            structure.type = spec.type
            structure.departement = spec.departement
            structure.products = list(spec.products)
            structure.configuration = spec.configuration
            session.flush()
            session.execute(delete(StructureCommune).where(StructureCommune.structure_id == structure.id))
            if spec.communes:
                session.execute(insert(StructureCommune), [
                    {"structure_id": structure.id, "code_insee": code} for code in sorted(set(spec.communes))])
            count += 1
    return count
