"""Small explicit fixtures for the panels tests (real INSEE codes of the experiment's communes)."""

from __future__ import annotations

from datetime import date

from panels import (
    AccountSummary,
    AddressObservation,
    Reliability,
    StructureInfo,
    StructureType,
    Territory,
    criteria_from_mapping,
)

AS_OF = date(2027, 1, 15)

AUXERRE, JOIGNY, MIGENNES, SENS, AVALLON, TONNERRE = "89024", "89206", "89257", "89387", "89025", "89418"
NEVERS, NICE, LE_PUY = "58194", "06088", "43157"

COMMUNES = {
    AUXERRE: "Auxerre",
    JOIGNY: "Joigny",
    MIGENNES: "Migennes",
    SENS: "Sens",
    AVALLON: "Avallon",
    TONNERRE: "Tonnerre",
    NEVERS: "Nevers",
    NICE: "Nice",
    LE_PUY: "Le Puy-en-Velay",
}

STRUCTURES = (
    # configuration 1: two habilitated SIP in the Yonne; Migennes claimed by both (ambiguous)
    StructureInfo("SIP-AUX", "SIP d'Auxerre", StructureType.SIP, "89", frozenset({AUXERRE, JOIGNY, MIGENNES}),
                  frozenset({"impots", "amendes"}), 1),
    StructureInfo("SIP-SENS", "SIP de Sens", StructureType.SIP, "89", frozenset({SENS, MIGENNES}),
                  frozenset({"impots"}), 1),
    # a SIP outside the experiment: competent for Avallon but not habilitated for amendes
    StructureInfo("SIP-AVA", "SIP d'Avallon", StructureType.SIP, "89", frozenset({AVALLON}), frozenset({"impots"})),
    # Tonnerre: in no SIP's territory
    StructureInfo("TA-89", "Trésorerie amendes de l'Yonne", StructureType.TRESORERIE_AMENDES, "89", frozenset(),
                  frozenset({"amendes"})),
    # configuration 2
    StructureInfo("TM-NEV", "Trésorerie de Nevers hôpital et amendes", StructureType.TRESORERIE_MIXTE, "58",
                  frozenset({NEVERS}), frozenset({"amendes", "secteur_local"}), 2),
    # configuration 3: département-wide trésorerie amendes
    StructureInfo("TA-06", "Trésorerie amendes des Alpes-Maritimes", StructureType.TRESORERIE_AMENDES, "06",
                  frozenset(), frozenset({"amendes", "impots"}), 3),
    StructureInfo("SIP-PUY", "SIP du Puy-en-Velay", StructureType.SIP, "43", frozenset({LE_PUY}),
                  frozenset({"impots", "amendes"}), 1),
)


def territory() -> Territory:
    return Territory(STRUCTURES, COMMUNES)


def addr(
    code: str | None,
    on: date = date(2026, 3, 1),
    source: str = "impots",
    reliability: Reliability = Reliability.RELIABLE,
    postcode: str | None = None,
) -> AddressObservation:
    return AddressObservation(on, source, reliability, code, postcode)


def acct(
    rid: int,
    *,
    impots: int = 50_000,
    amendes: int = 20_000,
    secteur_local: int = 0,
    hospital: int = 0,
    commune: str | None = AUXERRE,
    addresses: tuple[AddressObservation, ...] | None = None,
    count: int = 3,
    oldest: date = date(2025, 1, 1),
    prescription: date | None = date(2029, 1, 1),
    structures: frozenset[str] = frozenset(),
    **flags: bool,
) -> AccountSummary:
    """An account that meets BASE criteria unless told otherwise."""
    if addresses is None:
        addresses = (addr(commune),) if commune else ()
    return AccountSummary(
        redevable_id=rid,
        due_cents={"impots": impots, "amendes": amendes, "secteur_local": secteur_local},
        hospital_cents=hospital,
        creance_count=count,
        oldest_debt_on=oldest,
        newest_debt_on=oldest,
        nearest_prescription_on=prescription,
        addresses=addresses,
        current_structure_codes=structures,
        **flags,
    )


BASE = {
    "name": "auxerre-2027",
    "configuration": 1,
    "products": ["amendes", "impots"],
    "departements": ["89"],
    "min_total_cents": 10_000,
    "control_share": 0.3,
    "seed": 1,
    "reference_date": AS_OF,
}


def criteria(**overrides):
    data = {**BASE, **overrides}
    return criteria_from_mapping({k: v for k, v in data.items() if v is not None})
