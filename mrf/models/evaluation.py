"""What the evaluation freezes at a panel's publication: each member's amount due per category.

Append-only: a baseline row is written once, inside the publication's transaction, and never
updated (an ORM update raises). Créances of a member that reach the database after ``recorded_at``
are *arrivals after publication*: they are not in the baseline and their payments are not counted
as recoveries (see ``mrf.services.evaluation``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow

#: Categories of the panels' vocabulary: hospital debts are their own category.
CATEGORIES: tuple[str, ...] = ("impots", "amendes", "secteur_local", "hopital")


class PanelBaseline(Base):
    __tablename__ = "panel_baseline"
    __table_args__ = (UniqueConstraint("panel_id", "redevable_id", "category"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))  # impots, amendes, secteur_local, hopital
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # reste à recouvrer at publication
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class BaselineImmutable(RuntimeError):
    """A baseline row is an act of record: never updated."""


@event.listens_for(PanelBaseline, "before_update")
def _refuse_update(_mapper, _connection, target: PanelBaseline) -> None:  # noqa: ANN001
    raise BaselineImmutable(f"Base de référence du panel {target.panel_id} : enregistrement figé, non modifiable.")
