"""What the three source applications say: debtors as each knows them, their créances, imports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, utcnow


class ImportBatch(Base):
    """One imported file (or one demo load): counts and outcome."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    lines_read: Mapped[int] = mapped_column(default=0)
    lines_rejected: Mapped[int] = mapped_column(default=0)
    creances_created: Mapped[int] = mapped_column(default=0)
    creances_changed: Mapped[int] = mapped_column(default=0)
    creances_unchanged: Mapped[int] = mapped_column(default=0)
    records_created: Mapped[int] = mapped_column(default=0)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class SourceRecord(Base):
    """A debtor as one application knows it, with every identity field the sources carry."""

    __tablename__ = "source_record"
    __table_args__ = (UniqueConstraint("source", "source_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # impots, amendes, secteur_local
    source_key: Mapped[str] = mapped_column(String(64))  # numéro fiscal, id débiteur AMD, id tiers Hélios
    numero_fiscal: Mapped[str | None] = mapped_column(String(13), index=True)
    nom: Mapped[str | None] = mapped_column(String(200))  # name as written, when the source does not say which
    nom_naissance: Mapped[str | None] = mapped_column(String(200))
    nom_usage: Mapped[str | None] = mapped_column(String(200))
    prenoms: Mapped[str | None] = mapped_column(String(200))
    sexe: Mapped[str | None] = mapped_column(String(1))
    date_naissance: Mapped[date | None]
    date_naissance_brute: Mapped[str | None] = mapped_column(String(32))  # as received, e.g. 00/00/1960
    lieu_naissance: Mapped[str | None] = mapped_column(String(200))
    numero_voie: Mapped[str | None] = mapped_column(String(16))
    voie: Mapped[str | None] = mapped_column(String(200))
    complement_adresse: Mapped[str | None] = mapped_column(String(200))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(100))
    code_insee: Mapped[str | None] = mapped_column(String(5), index=True)
    address_date: Mapped[date | None]  # date of the most recent line that gave this address
    first_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    last_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    creances: Mapped[list[Creance]] = relationship(back_populates="source_record")


class Creance(Base):
    """One debt. Amount columns hold the current state; every change is also a CreanceEvent."""

    __tablename__ = "creance"
    __table_args__ = (
        UniqueConstraint("product", "reference"),
        Index("ix_creance_record", "source_record_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"))
    product: Mapped[str] = mapped_column(String(16))  # impots, amendes, secteur_local
    reference: Mapped[str] = mapped_column(String(64))  # avis, numéro d'amende, numéro de titre
    nature: Mapped[str] = mapped_column(String(100))  # IR, TF, AFM, eau, frais d'hospitalisation…
    creditor_code: Mapped[str] = mapped_column(String(32))  # ETAT, or the collectivité's code
    creditor_name: Mapped[str] = mapped_column(String(200))
    budget: Mapped[str | None] = mapped_column(String(100))
    is_hospital: Mapped[bool] = mapped_column(default=False)
    offence_category: Mapped[str | None] = mapped_column(String(16))  # contravention, delit (amendes)
    year: Mapped[int | None]
    amount_initial_cents: Mapped[int] = mapped_column(BigInteger)
    rar_cents: Mapped[int] = mapped_column(BigInteger)  # reste à recouvrer
    # Breakdown of amount_initial_cents when the extract gives it (both or neither, adding up to it):
    # the acts print it; None prints "non ventilé".
    principal_cents: Mapped[int | None] = mapped_column(BigInteger)
    majorations_cents: Mapped[int | None] = mapped_column(BigInteger)
    date_prise_en_charge: Mapped[date]  # mise en recouvrement / titre exécutoire / prise en charge
    date_exigibilite: Mapped[date]
    date_infraction: Mapped[date | None]
    date_emission: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="en_cours")  # en_cours, soldee, annulee
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), index=True)  # comptable in charge
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))  # the file that brought it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_record: Mapped[SourceRecord] = relationship(back_populates="creances")


class CreanceEvent(Base):
    """Append-only history of a créance: creation, change of RAR, cancellation, payment…"""

    __tablename__ = "creance_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    creance_id: Mapped[int] = mapped_column(ForeignKey("creance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # prise_en_charge, modification, annulation, paiement…
    at: Mapped[datetime] = mapped_column(default=utcnow)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    rar_before_cents: Mapped[int | None] = mapped_column(BigInteger)
    rar_after_cents: Mapped[int | None] = mapped_column(BigInteger)
    changes: Mapped[dict] = mapped_column(default=dict)  # field -> [before, after]
