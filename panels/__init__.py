"""Panels of common debtors: criteria, selection, randomised control group, one structure per
treated debtor, lifecycle, evaluation statistics.

Pure domain library: stdlib and numpy only; never imports the application, Flask or SQLAlchemy.
"""

from .assignment import Assigner, Placement, PlacementCode
from .compose import compose_panel, place_accounts, randomise
from .criteria import Criteria, criteria_from_mapping, load_criteria, parse_criteria
from .errors import CriteriaError, InputError, PanelError, TransitionRefused
from .evaluation import GroupRate, Outcome, RateComparison, compare_recovery
from .evaluation_calendar import complete_months, first_payment_day, month_since, pre_period_start
from .evaluation_costs import CostComparison, GroupCost, MemberActivity, compare_costs
from .evaluation_estimate import MemberOutcome, evaluate
from .evaluation_result import Contrast, Evaluation, GroupEstimate, MonthPoint, ProductEvaluation
from .evaluation_simulation import (
    DEFAULT_MODEL,
    SimulatedPayment,
    SimulatedPrePeriod,
    Simulation,
    SimulationMember,
    SimulationModel,
    simulate,
)
from .lifecycle import Membership, Panel, PanelAction, PanelState, next_state
from .model import (
    CONFIGURATION_PRODUCTS,
    CONFIGURATION_STRUCTURE_TYPE,
    PRODUCTS,
    AccountSummary,
    AddressObservation,
    Reliability,
    StructureInfo,
    StructureType,
)
from .result import (
    BalanceTable,
    CovariateBalance,
    Group,
    LevelBalance,
    ManualEntry,
    Member,
    PanelResult,
    Stratum,
    StratumCount,
)
from .routing import CreanceRouting, NewCreance, ReassignmentProposal, propose_reassignment, route_new_creance
from .selection import Selection, SelectionReport, SelectionStep, select
from .territory import AddressChoice, AddressStatus, Territory, best_address

__all__ = [
    "AccountSummary",
    "AddressChoice",
    "AddressObservation",
    "AddressStatus",
    "Assigner",
    "BalanceTable",
    "CONFIGURATION_PRODUCTS",
    "CONFIGURATION_STRUCTURE_TYPE",
    "Contrast",
    "CostComparison",
    "CovariateBalance",
    "CreanceRouting",
    "Criteria",
    "CriteriaError",
    "DEFAULT_MODEL",
    "Evaluation",
    "Group",
    "GroupCost",
    "GroupEstimate",
    "GroupRate",
    "InputError",
    "LevelBalance",
    "ManualEntry",
    "Member",
    "MemberActivity",
    "MemberOutcome",
    "Membership",
    "MonthPoint",
    "NewCreance",
    "Outcome",
    "PRODUCTS",
    "Panel",
    "PanelAction",
    "PanelError",
    "PanelResult",
    "PanelState",
    "Placement",
    "PlacementCode",
    "ProductEvaluation",
    "RateComparison",
    "ReassignmentProposal",
    "Reliability",
    "Selection",
    "SelectionReport",
    "SelectionStep",
    "SimulatedPayment",
    "SimulatedPrePeriod",
    "Simulation",
    "SimulationMember",
    "SimulationModel",
    "Stratum",
    "StratumCount",
    "StructureInfo",
    "StructureType",
    "Territory",
    "TransitionRefused",
    "best_address",
    "compare_costs",
    "compare_recovery",
    "complete_months",
    "compose_panel",
    "criteria_from_mapping",
    "evaluate",
    "first_payment_day",
    "load_criteria",
    "month_since",
    "next_state",
    "parse_criteria",
    "place_accounts",
    "pre_period_start",
    "propose_reassignment",
    "randomise",
    "route_new_creance",
    "select",
    "simulate",
]
