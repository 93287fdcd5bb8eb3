"""Panels of common debtors, their members and the structure each treated debtor is assigned to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, utcnow


class Panel(Base):
    __tablename__ = "panel"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    configuration: Mapped[int]
    criteria_toml: Mapped[str] = mapped_column(Text)  # kept verbatim with the panel
    seed: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="brouillon")  # brouillon, publie, clos
    report: Mapped[dict] = mapped_column(default=dict)  # selection report and balance table
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    members: Mapped[list[PanelMember]] = relationship(back_populates="panel", cascade="all, delete-orphan")


class PanelMember(Base):
    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "redevable_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    group: Mapped[str] = mapped_column(String(16))  # panel, control
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"))
    reason: Mapped[str] = mapped_column(Text)
    panel: Mapped[Panel] = relationship(back_populates="members")


class Assignment(Base):
    """Effective assignment of a redevable to the one structure in charge; append-only, the most
    recent row per redevable is in force."""

    __tablename__ = "assignment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"), index=True)  # None: ended
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class ReassignmentProposal(Base):
    __tablename__ = "reassignment_proposal"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id"))
    from_structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"))
    to_structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))  # acceptee, refusee
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class ReassignmentDecision(Base):
    """A decision on a reassignment proposal: accepted or refused, with its reason, who and when.
    Append-only: the first decision row of a proposal is the one in force."""

    __tablename__ = "reassignment_decision"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("reassignment_proposal.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # acceptee, refusee
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"))  # retained when accepted
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
