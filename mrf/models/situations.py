"""Situations of a debtor that suspend or stop poursuites, and refunds of what a tiers paid in excess.

Both are append-only: a correction of a situation is a new row pointing to the one it corrects
(``supersedes_id``); a refund is never edited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class Situation(Base):
    """Surendettement, rétablissement personnel, procédure collective or décès of a debtor."""

    __tablename__ = "situation"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # poursuites.model.SituationKind values
    started_on: Mapped[date]  # recevabilité, jugement d'ouverture, décès
    ended_on: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(32))  # impots, amendes, secteur_local, agent
    reference: Mapped[str] = mapped_column(String(64), default="")  # dossier or jugement number
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("situation.id"))


class Remboursement(Base):
    """What a tiers paid under an SATD beyond the créances of that act: refunded, never imputed elsewhere."""

    __tablename__ = "remboursement"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    acte_id: Mapped[int | None] = mapped_column(ForeignKey("acte.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    beneficiary: Mapped[str] = mapped_column(String(200))  # the tiers who paid
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class SituationDeclaree(Base):
    """A situation as an extract declared it for one source record (which file, which line): recorded on
    the record's account as a Situation once the record is attached (mrf/ingest/situations.py)."""

    __tablename__ = "situation_declaree"
    __table_args__ = (UniqueConstraint("source_record_id", "kind", "started_on", "reference"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"))
    kind: Mapped[str] = mapped_column(String(32))
    started_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(64), default="")
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))  # the file that declared it
    line: Mapped[int]  # its line in that file
    situation_id: Mapped[int | None] = mapped_column(ForeignKey("situation.id"), index=True)  # once recorded
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
