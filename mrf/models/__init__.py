"""SQLAlchemy 2 typed models of the whole product, one module per area."""

from .base import Base
from .creances import Creance, CreanceEvent, ImportBatch, SourceRecord
from .identity import MatchPair, MatchRun, RecordLink, Redevable, ReviewDecision
from .panels import Assignment, Panel, PanelMember, ReassignmentProposal
from .poursuites import (
    Acte,
    ActeLine,
    AnvDecision,
    BailiffFile,
    DebtorRequest,
    Demande,
    Document,
    DocumentSequence,
    DossierCommissaire,
    Imputation,
    Payment,
    Renseignement,
    RequestDecision,
    SatdLock,
    TiersAnswer,
)
from .security import SignInThrottle, WebSession
from .situations import Remboursement, Situation
from .structures import Agent, AuditLog, Structure, StructureCommune
from .worklist import WorklistEntry, WorklistState

__all__ = [
    "Acte", "ActeLine", "Agent", "AnvDecision", "Assignment", "AuditLog", "BailiffFile", "Base", "Creance",
    "CreanceEvent", "DebtorRequest", "Demande", "Document", "DocumentSequence", "DossierCommissaire", "ImportBatch",
    "Imputation", "MatchPair", "MatchRun", "Panel", "PanelMember", "Payment", "ReassignmentProposal", "RecordLink",
    "Redevable", "Remboursement", "Renseignement", "RequestDecision", "ReviewDecision", "SatdLock", "SignInThrottle",
    "Situation", "SourceRecord",
    "Structure", "StructureCommune", "TiersAnswer", "WebSession", "WorklistEntry", "WorklistState"
]
