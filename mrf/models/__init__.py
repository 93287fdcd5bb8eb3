"""SQLAlchemy 2 typed models of the whole product, one module per area."""

from .base import Base
from .creances import Creance, CreanceEvent, ImportBatch, SourceRecord
from .evaluation import PanelBaseline
from .identity import MatchPair, MatchRun, RecordLink, Redevable, ReviewDecision
from .panels import Assignment, Panel, PanelMember, ReassignmentProposal
from .poursuites import (
    Acte,
    ActeLine,
    AnvDecision,
    BailiffFile,
    DebtorRequest,
    Document,
    DocumentSequence,
    Imputation,
    Payment,
    Renseignement,
    RequestDecision,
    SatdLock,
    TiersAnswer,
)
from .structures import Agent, AuditLog, Structure, StructureCommune
from .worklist import WorklistEntry, WorklistState

__all__ = [
    "Acte", "ActeLine", "Agent", "AnvDecision", "Assignment", "AuditLog", "BailiffFile", "Base",
    "Creance", "CreanceEvent", "DebtorRequest", "Document", "DocumentSequence", "ImportBatch", "Imputation", "MatchPair",
    "MatchRun", "Panel", "PanelBaseline", "PanelMember", "Payment", "ReassignmentProposal", "RecordLink", "Redevable",
    "Renseignement", "RequestDecision", "ReviewDecision", "SatdLock", "SourceRecord", "Structure",
    "StructureCommune", "TiersAnswer", "WorklistEntry", "WorklistState",
]
