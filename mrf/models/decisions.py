"""Decisions of the job that have no table of their own elsewhere: ANV proposals and their verdicts
(maker-checker), and the letters sent to the debtor for a decision on a request.

All append-only: a proposal is never edited, a verdict is a new row (one per proposal), a letter
points to the decision it notifies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class AnvProposition(Base):
    """An agent's proposal of admission en non-valeur on the debtor's whole situation."""

    __tablename__ = "anv_proposition"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"), index=True)
    motif: Mapped[str] = mapped_column(String(32))  # poursuites.anv.MotifAnv
    grounds: Mapped[dict] = mapped_column(default=dict)  # insolvabilite, recherches, prescription, texte
    creance_ids: Mapped[list] = mapped_column(default=list)
    lines: Mapped[list] = mapped_column(default=list)  # [{creance_id, amount_cents, decider, creditor_code…}]
    total_cents: Mapped[int] = mapped_column(BigInteger)
    proposed_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class AnvVerdict(Base):
    """The comptable's decision on an ANV proposal: never by the proposer, never by an agent."""

    __tablename__ = "anv_verdict"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proposition_id: Mapped[int] = mapped_column(ForeignKey("anv_proposition.id"), unique=True)
    accepted: Mapped[bool]
    decided_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))


class DecisionLetter(Base):
    """The numbered letter that notifies the debtor of a decision on a request."""

    __tablename__ = "decision_letter"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    request_decision_id: Mapped[int] = mapped_column(ForeignKey("request_decision.id"), index=True)
