"""Postes comptables (structures), their territory and their agents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, utcnow


class Structure(Base):
    """A SIP, trésorerie amendes, trésorerie mixte or trésorerie SPL."""

    __tablename__ = "structure"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))  # sip, tresorerie_amendes, tresorerie_mixte, tresorerie_spl
    departement: Mapped[str] = mapped_column(String(3), index=True)
    products: Mapped[list] = mapped_column(default=list)  # ["impots", "amendes", "secteur_local"]
    configuration: Mapped[int | None]  # MRF experimental configuration (1, 2, 3) or None
    communes: Mapped[list[StructureCommune]] = relationship(
        back_populates="structure", cascade="all, delete-orphan"
    )


class StructureCommune(Base):
    """Territorial competence: one commune of a structure's territory."""

    __tablename__ = "structure_commune"
    __table_args__ = (UniqueConstraint("structure_id", "code_insee"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    code_insee: Mapped[str] = mapped_column(String(5), index=True)
    structure: Mapped[Structure] = relationship(back_populates="communes")


class Agent(Base):
    """A user of the application."""

    __tablename__ = "agent"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    # agent, comptable, administration_centrale, evaluateur, administrateur
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"))
    display_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A password set by an administrator (reset, creation) is provisional: changed at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[datetime | None]
    structure: Mapped[Structure | None] = relationship()


class AuditLog(Base):
    """Append-only trail: who viewed or changed what, when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))  # consultation, paiement, satd, import, match…
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    details: Mapped[dict] = mapped_column(default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    # Hash chain (mrf.audit.chain): position, previous line's hash, this line's hash. Filled at flush.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
