"""Shared information, acts and documents, answers, payments, requests and ANV decisions.

Acts, documents and decisions are append-only: a correction or reversal is a new row that points
to the one it corrects, with who and when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, utcnow


class Renseignement(Base):
    """A piece of shared information on a debtor: a tiers détenteur or an address."""

    __tablename__ = "renseignement"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    # banque, employeur, caisse_retraite, caf, locataire, notaire, autre, adresse
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))  # the tiers' name
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    siret: Mapped[str | None] = mapped_column(String(14))
    numero_voie: Mapped[str | None] = mapped_column(String(16))
    voie: Mapped[str | None] = mapped_column(String(200))
    complement_adresse: Mapped[str | None] = mapped_column(String(200))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(100))
    code_insee: Mapped[str | None] = mapped_column(String(5))
    annual_net_salary_cents: Mapped[int | None] = mapped_column(BigInteger)  # employer: known salary
    dependants: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(32))  # impots, amendes, secteur_local, ficoba, huissier, agent
    observed_on: Mapped[date]
    reliability: Mapped[str] = mapped_column(String(16))  # confirmee, declaree, ancienne, npai
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("renseignement.id"))


class Document(Base):
    """An issued document: numbered, immutable, archived with its hash."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # satd_tiers, satd_redevable, lettre_relance, anv…
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    acte_id: Mapped[int | None] = mapped_column(ForeignKey("acte.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class DocumentSequence(Base):
    """Last number given per series (``SATD``…), structure and year: documents are numbered
    ``SERIES-YEAR-STRUCTURE-000123`` without gaps or duplicates, even with concurrent issuers (the
    row is locked by the UPDATE that takes the next numbers, until the issuing transaction ends)."""

    __tablename__ = "document_sequence"
    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(BigInteger, default=0)


class Acte(Base):
    """An enforcement act: relance, mise en demeure, SATD, phase comminatoire, saisie-vente…"""

    __tablename__ = "acte"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id"))
    renseignement_id: Mapped[int | None] = mapped_column(ForeignKey("renseignement.id"))  # tiers détenteur
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    issued_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    status: Mapped[str] = mapped_column(String(16), default="emis")
    cancels_id: Mapped[int | None] = mapped_column(ForeignKey("acte.id"), index=True)  # a mainlevée / annulation
    details: Mapped[dict] = mapped_column(default=dict)
    lines: Mapped[list[ActeLine]] = relationship(back_populates="acte", cascade="all, delete-orphan")


class ActeLine(Base):
    """One créance covered by an act (a joint SATD covers several)."""

    __tablename__ = "acte_line"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    acte_id: Mapped[int] = mapped_column(ForeignKey("acte.id", ondelete="CASCADE"), index=True)
    creance_id: Mapped[int] = mapped_column(ForeignKey("creance.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    recourse: Mapped[str | None] = mapped_column(Text)
    acte: Mapped[Acte] = relationship(back_populates="lines")


class SatdLock(Base):
    """At most one SATD in force per (créance, tiers détenteur): the unique constraint is what makes
    two agents issuing at the same moment safe on every database."""

    __tablename__ = "satd_lock"
    __table_args__ = (UniqueConstraint("creance_id", "renseignement_id", "generation"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    creance_id: Mapped[int] = mapped_column(ForeignKey("creance.id"))
    renseignement_id: Mapped[int] = mapped_column(ForeignKey("renseignement.id"))
    generation: Mapped[int] = mapped_column(default=0)  # +1 for each new SATD after a mainlevée
    acte_id: Mapped[int] = mapped_column(ForeignKey("acte.id"))


class TiersAnswer(Base):
    __tablename__ = "tiers_answer"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    acte_id: Mapped[int] = mapped_column(ForeignKey("acte.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # positive, pas_de_compte, pas_de_salaire, deja_saisi, autre
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    answered_on: Mapped[date]
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class Payment(Base):
    __tablename__ = "payment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date]
    payer: Mapped[str] = mapped_column(String(16))  # redevable, tiers, huissier
    acte_id: Mapped[int | None] = mapped_column(ForeignKey("acte.id"))
    means: Mapped[str | None] = mapped_column(String(32))  # virement, cheque, especes, carte…
    reference: Mapped[str | None] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(32))  # imputation rule applied
    overpayment_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # to refund
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    imputations: Mapped[list[Imputation]] = relationship(back_populates="payment", cascade="all, delete-orphan")


class Imputation(Base):
    __tablename__ = "imputation"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id", ondelete="CASCADE"), index=True)
    creance_id: Mapped[int] = mapped_column(ForeignKey("creance.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    payment: Mapped[Payment] = relationship(back_populates="imputations")


class Demande(Base):
    """A request of the debtor, handled once for the whole account."""

    __tablename__ = "debtor_request"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # plan_reglement, contestation, remise_gracieuse
    received_on: Mapped[date]
    creance_ids: Mapped[list] = mapped_column(default=list)
    details: Mapped[dict] = mapped_column(default=dict)  # schedule of instalments, grounds…
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class RequestDecision(Base):
    """A decision or status change on a request (accepted, refused, missed instalment, closed)."""

    __tablename__ = "request_decision"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("debtor_request.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    decided_on: Mapped[date]
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class AnvDecision(Base):
    """Admission en non-valeur proposed or decided on a créance, in view of the whole account."""

    __tablename__ = "anv_decision"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    creance_id: Mapped[int] = mapped_column(ForeignKey("creance.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # proposee, admise, refusee, reprise
    ground: Mapped[str] = mapped_column(String(32))  # insolvabilite, disparition, echec, montant_faible
    decider: Mapped[str] = mapped_column(String(64))  # comptable, assemblee_deliberante…
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    decided_on: Mapped[date]
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


# Former class name, kept while other branches still use it (the table is unchanged). The table
# ``bailiff_file`` of 0001 is no longer mapped: commissaires de justice live in ``commissaires.py``.
DebtorRequest = Demande
