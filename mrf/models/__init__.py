"""SQLAlchemy 2 typed models of the whole product, one module per area."""

from .base import Base
from .commissaires import (
    ArrondissementCommune,
    DemandeCommissaire,
    DossierCommissaire,
    DossierEvenement,
    DossierLigne,
    Etude,
    EtudeTerritoire,
    FichierEchange,
)
from .creances import Creance, CreanceEvent, ImportBatch, SourceRecord
from .decisions import AnvProposition, AnvVerdict, DecisionLetter
from .evaluation import PanelBaseline
from .identity import MatchPair, MatchRun, RecordLink, Redevable, ReviewDecision
from .panels import Assignment, Panel, PanelMember, ReassignmentDecision, ReassignmentProposal
from .poursuites import (
    Acte,
    ActeLine,
    AnvDecision,
    DebtorRequest,
    Demande,
    Document,
    DocumentSequence,
    Imputation,
    Payment,
    Renseignement,
    RequestDecision,
    SatdLock,
    TiersAnswer,
)
from .security import SignInThrottle, WebSession
from .situations import Remboursement, Situation, SituationDeclaree
from .structures import Agent, AuditLog, Structure, StructureCommune
from .worklist import WorklistAction, WorklistEntry, WorklistState

__all__ = [
    "Acte", "ActeLine", "Agent", "AnvDecision", "AnvProposition", "AnvVerdict", "ArrondissementCommune", "Assignment",
    "AuditLog", "Base",
    "Creance", "CreanceEvent", "DebtorRequest", "DecisionLetter", "Demande", "DemandeCommissaire", "Document",
    "DocumentSequence", "DossierCommissaire", "DossierEvenement", "DossierLigne", "Etude", "EtudeTerritoire",
    "FichierEchange", "ImportBatch", "Imputation", "MatchPair", "MatchRun", "Panel", "PanelBaseline", "PanelMember",
    "Payment", "ReassignmentDecision", "ReassignmentProposal", "RecordLink", "Redevable", "Remboursement",
    "Renseignement", "RequestDecision", "ReviewDecision", "SatdLock", "SignInThrottle", "Situation",
    "SituationDeclaree", "SourceRecord", "Structure", "StructureCommune", "TiersAnswer", "WebSession", "WorklistAction",
    "WorklistEntry", "WorklistState",
]
