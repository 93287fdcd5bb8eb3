"""Consolidated accounts seen as lists: products held and total due, filtered by product and structure."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from panels.scope import ScopeGroup

from ...extensions import db
from ...models import Assignment, Creance, RecordLink, Redevable, Structure
from ..errors import Refus
from ..panels.perimetre import members_in_group
from .vocabulaire import PRODUITS, StatutCreance

PRODUCTS: tuple[str, ...] = PRODUITS
PRODUCT_LABELS = {"impots": "Impôts", "amendes": "Amendes", "secteur_local": "Secteur local"}


class AccountQueryError(Refus):
    """A refused query, with a French message."""


def current_assignments() -> Select:
    """(redevable_id, structure_id) of the assignment in force: the latest row per redevable."""
    latest = (select(Assignment.redevable_id, func.max(Assignment.id).label("last_id"))
              .group_by(Assignment.redevable_id).subquery())
    return (select(Assignment.redevable_id, Assignment.structure_id)
            .join(latest, Assignment.id == latest.c.last_id))


def accounts_of_structure(structure_id: int) -> Select:
    """Ids of the accounts a structure works on: assigned to it, or holding a créance it manages."""
    assigned = current_assignments().subquery()
    by_assignment = select(assigned.c.redevable_id).where(assigned.c.structure_id == structure_id)
    by_creance = (select(RecordLink.redevable_id)
                  .join(Creance, Creance.source_record_id == RecordLink.source_record_id)
                  .where(Creance.structure_id == structure_id))
    return by_assignment.union(by_creance)


def list_accounts(products: Sequence[str] = (), structure_code: str | None = None,
                  limit: int | None = None) -> list[dict]:
    """Accounts holding every product in PRODUCTS (any when empty), largest total due first.

    A product is held when the account has a créance of it that is not cancelled; the total due
    is the sum of the restes à recouvrer of its créances not cancelled. With a structure, a témoin of the
    control group counts only that structure's créances (handled as without the product), as in its work
    list."""
    unknown = [p for p in products if p not in PRODUCTS]
    if unknown:
        raise AccountQueryError(f"Produit inconnu : {', '.join(unknown)} (attendu : {', '.join(PRODUCTS)}).")
    linked, member = aliased(Redevable), aliased(Redevable)
    root = func.coalesce(linked.merged_into_id, linked.id)  # the créances of accounts merged into it count
    with db.new_session() as session:
        filters = [Creance.status != StatutCreance.ANNULEE]
        if structure_code:
            structure_id = session.scalar(select(Structure.id).where(Structure.code == structure_code))
            if structure_id is None:
                raise AccountQueryError(f"Structure inconnue : « {structure_code} ».")
            filters.append(root.in_(select(func.coalesce(member.merged_into_id, member.id))
                                    .where(member.id.in_(accounts_of_structure(structure_id)))))
            filters.append(or_(root.not_in(members_in_group(ScopeGroup.CONTROL.value)),
                               Creance.structure_id == structure_id))
        holds = [func.max(case((Creance.product == p, 1), else_=0)).label(p) for p in PRODUCTS]
        total = func.sum(Creance.rar_cents)
        query = (select(root.label("id"), total.label("total"), *holds)
                 .select_from(RecordLink)
                 .join(linked, linked.id == RecordLink.redevable_id)
                 .join(Creance, Creance.source_record_id == RecordLink.source_record_id)
                 .where(and_(*filters))
                 .group_by(root))
        if products:
            query = query.having(and_(*(func.max(case((Creance.product == p, 1), else_=0)) == 1
                                        for p in products)))
        query = query.order_by(total.desc(), root)
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).all()
    return [{"id": row.id, "products": [p for p in PRODUCTS if getattr(row, p)],
             "total_due_cents": int(row.total or 0)} for row in rows]


__all__ = ["AccountQueryError", "accounts_of_structure", "current_assignments", "list_accounts"]
