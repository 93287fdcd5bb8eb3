"""Commissaires de justice (formerly huissiers): études and their territory, dossiers handed to them,
the events exchanged both ways, the interface files and the « Demande de phase » letters.

Dossiers, their lines, events, files and letters are append-only: a dossier's state is read from its
events (``mrf.services.commissaires.etat``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, utcnow


class Etude(Base):
    """An étude de commissaires de justice under contract with the DDFiP/DRFiP."""

    __tablename__ = "etude"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    adresse: Mapped[str] = mapped_column(String(300))
    code_postal: Mapped[str] = mapped_column(String(5))
    commune: Mapped[str] = mapped_column(String(100))
    centre_serveur: Mapped[str] = mapped_column(String(32), index=True)
    departement: Mapped[str] = mapped_column(String(3), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    territoire: Mapped[list[EtudeTerritoire]] = relationship(back_populates="etude", cascade="all, delete-orphan")


class EtudeTerritoire(Base):
    """One postal code or one commune (INSEE code) an étude covers: each belongs to one étude."""

    __tablename__ = "etude_territoire"
    __table_args__ = (UniqueConstraint("code_postal"), UniqueConstraint("code_insee"))
    id: Mapped[int] = mapped_column(primary_key=True)
    etude_id: Mapped[int] = mapped_column(ForeignKey("etude.id", ondelete="CASCADE"), index=True)
    departement: Mapped[str] = mapped_column(String(3), index=True)
    code_postal: Mapped[str | None] = mapped_column(String(5))
    code_insee: Mapped[str | None] = mapped_column(String(5))
    etude: Mapped[Etude] = relationship(back_populates="territoire")


class DemandeCommissaire(Base):
    """The « Demande de phase comminatoire » (or judiciaire) letter and its état, per étude and
    comptable: numbered, archived with its PDF and hash, never updated."""

    __tablename__ = "demande_commissaire"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    numero: Mapped[str] = mapped_column(String(40), unique=True)
    phase: Mapped[str] = mapped_column(String(16))
    etude_id: Mapped[int] = mapped_column(ForeignKey("etude.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), index=True)
    emise_le: Mapped[date]
    sha256: Mapped[str] = mapped_column(String(64))
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class DossierCommissaire(Base):
    """A debtor's créances handed by one comptable to one étude for one phase."""

    __tablename__ = "dossier_commissaire"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    numero: Mapped[str] = mapped_column(String(40), unique=True)
    phase: Mapped[str] = mapped_column(String(16))  # comminatoire, judiciaire
    redevable_id: Mapped[int] = mapped_column(ForeignKey("redevable.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), index=True)  # comptable donneur d'ordre
    etude_id: Mapped[int] = mapped_column(ForeignKey("etude.id"), index=True)
    acte_id: Mapped[int] = mapped_column(ForeignKey("acte.id"), index=True)
    demande_id: Mapped[int | None] = mapped_column(ForeignKey("demande_commissaire.id"), index=True)
    transmis_le: Mapped[date] = mapped_column(index=True)
    echeance: Mapped[date]  # end of the phase as transmitted (extensions are events)
    reconduit: Mapped[bool] = mapped_column(default=False)  # contract renewed: 60-day phase
    montant_cents: Mapped[int] = mapped_column(BigInteger)
    nom: Mapped[str] = mapped_column(String(200))
    adresse: Mapped[str] = mapped_column(String(400))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(100))
    code_insee: Mapped[str | None] = mapped_column(String(5))
    code_postal_recu: Mapped[str | None] = mapped_column(String(16))  # as held by the account, when restored
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    lignes: Mapped[list[DossierLigne]] = relationship(back_populates="dossier", cascade="all, delete-orphan")
    etude: Mapped[Etude] = relationship()


class DossierLigne(Base):
    """One titre of a dossier, as referred (number and date of the titre, L1617-5 1° CGCT)."""

    __tablename__ = "dossier_ligne"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier_commissaire.id", ondelete="CASCADE"), index=True)
    creance_id: Mapped[int] = mapped_column(ForeignKey("creance.id"), index=True)
    montant_cents: Mapped[int] = mapped_column(BigInteger)
    dossier: Mapped[DossierCommissaire] = relationship(back_populates="lignes")


class DossierEvenement(Base):
    """Something that happened on a dossier: sent to the étude (``aller``: actualisation), received
    from it (``retour``: bilan d'intervention) or decided by the comptable (``interne``).
    ``cle`` makes each source event recorded once (idempotent imports and actualisations)."""

    __tablename__ = "dossier_evenement"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier_commissaire.id"), index=True)
    cle: Mapped[str] = mapped_column(String(160), unique=True)
    sens: Mapped[str] = mapped_column(String(8))  # aller, retour, interne
    kind: Mapped[str] = mapped_column(String(32))
    survenu_le: Mapped[date]
    montant_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    frais_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # commissaire's fee due on this event
    fichier: Mapped[str | None] = mapped_column(String(120))  # interface file that carried it
    details: Mapped[dict] = mapped_column(default=dict)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class FichierEchange(Base):
    """An interface file written (``aller``) or imported (``retour``), kept as exchanged."""

    __tablename__ = "fichier_echange"
    __table_args__ = (UniqueConstraint("sens", "nom", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sens: Mapped[str] = mapped_column(String(8))
    nom: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)  # the day's aller file is re-emitted, complete, when it grows
    centre_serveur: Mapped[str] = mapped_column(String(32))
    jour: Mapped[date]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    contenu: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class ArrondissementCommune(Base):
    """The arrondissement (INSEE code officiel géographique) of a commune, for the statistics per
    arrondissement of the convention (annex, IV). Imported whole from a file (``mrf cj arrondissements
    import``): the product ships no such table, the reference of communes has no arrondissement."""

    __tablename__ = "arrondissement_commune"
    code_insee: Mapped[str] = mapped_column(String(5), primary_key=True)
    arrondissement: Mapped[str] = mapped_column(String(5), index=True)
    libelle: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
