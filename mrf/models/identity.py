"""Consolidated accounts (redevables) and the links that form them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, utcnow


class Redevable(Base):
    """A consolidated account: one person behind several source records. Its id never changes;
    when two accounts turn out to be one person, the younger points to the older (merged_into_id)."""

    __tablename__ = "redevable"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("redevable.id"))
    # Display cache refreshed by the matching service (the records remain the truth).
    nom: Mapped[str | None] = mapped_column(String(200), index=True)
    prenoms: Mapped[str | None] = mapped_column(String(200))
    date_naissance: Mapped[date | None] = mapped_column(index=True)
    code_insee: Mapped[str | None] = mapped_column(String(5), index=True)  # best-known address
    search_text: Mapped[str | None] = mapped_column(Text)  # folded names of every variant
    links: Mapped[list[RecordLink]] = relationship(back_populates="redevable")


class RecordLink(Base):
    """Current attachment of one source record to its redevable, with why."""

    __tablename__ = "record_link"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), unique=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # batch, incremental, manual, singleton
    probability: Mapped[float | None]
    explanation: Mapped[dict | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    redevable: Mapped[Redevable] = relationship(back_populates="links")


class MatchRun(Base):
    __tablename__ = "match_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # batch, incremental
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    model: Mapped[dict | None]  # trained Fellegi–Sunter parameters, reused incrementally
    stats: Mapped[dict] = mapped_column(default=dict)


class MatchPair(Base):
    """A scored candidate pair of source records (left id < right id), with its explanation."""

    __tablename__ = "match_pair"
    __table_args__ = (
        UniqueConstraint("run_id", "left_record_id", "right_record_id"),
        Index("ix_match_pair_status", "status"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id"), index=True)
    left_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), index=True)
    right_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), index=True)
    probability: Mapped[float]
    explanation: Mapped[dict]
    status: Mapped[str] = mapped_column(String(16))  # accepted, review, rejected, split


class ReviewDecision(Base):
    """A human decision on a pair; append-only, the latest decision on a pair wins."""

    __tablename__ = "review_decision"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    left_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), index=True)
    right_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # same, different
    comment: Mapped[str | None] = mapped_column(Text)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
