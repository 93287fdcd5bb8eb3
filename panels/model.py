"""Input types of the panels library: what the application builds from its database.

Plain values only: integer cents, ``datetime.date``, frozen dataclasses. No ORM, no web.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

#: Products a panel can cover. ``hopital`` is the hospital part of ``secteur_local``.
PRODUCTS: tuple[str, ...] = ("impots", "amendes", "secteur_local", "hopital")

PRODUCT_LABELS: dict[str, str] = {
    "impots": "impôts",
    "amendes": "amendes",
    "secteur_local": "secteur local",
    "hopital": "créances hospitalières",
}

#: Products of each MRF configuration (experiment 2017-2019).
CONFIGURATION_PRODUCTS: dict[int, tuple[str, ...]] = {
    1: ("amendes", "impots"),
    2: ("amendes", "hopital"),
    3: ("amendes", "impots"),
}

CONFIGURATION_LABELS: dict[int, str] = {
    1: "amendes et impôts au sein d'un SIP",
    2: "amendes et créances hospitalières au sein d'une trésorerie mixte",
    3: "amendes et impôts au sein d'une trésorerie amendes",
}


class StructureType(StrEnum):
    SIP = "sip"
    TRESORERIE_AMENDES = "tresorerie_amendes"
    TRESORERIE_MIXTE = "tresorerie_mixte"
    TRESORERIE_SPL = "tresorerie_spl"

    @property
    def label(self) -> str:
        return _STRUCTURE_LABELS[self][0]

    @property
    def feminine(self) -> bool:
        return _STRUCTURE_LABELS[self][1]


_STRUCTURE_LABELS: dict[StructureType, tuple[str, bool]] = {
    StructureType.SIP: ("SIP", False),
    StructureType.TRESORERIE_AMENDES: ("trésorerie amendes", True),
    StructureType.TRESORERIE_MIXTE: ("trésorerie mixte", True),
    StructureType.TRESORERIE_SPL: ("trésorerie SPL", True),
}

#: Type of the one structure that takes a treated debtor, per configuration.
CONFIGURATION_STRUCTURE_TYPE: dict[int, StructureType] = {
    1: StructureType.SIP,
    2: StructureType.TRESORERIE_MIXTE,
    3: StructureType.TRESORERIE_AMENDES,
}


class Reliability(StrEnum):
    """Reliability of one address observation."""

    RELIABLE = "fiable"  # confirmed (declared, delivered, checked by an agent)
    UNVERIFIED = "non_verifiee"  # known but never confirmed
    UNDELIVERABLE = "npai"  # pli non distribuable: known to be wrong

    @property
    def label(self) -> str:
        return {"fiable": "fiable", "non_verifiee": "non vérifiée", "npai": "NPAI (pli non distribuable)"}[
            self.value
        ]


#: Tie-break between sources observed the same day: impôts hold the most reliable identity.
SOURCE_PRIORITY: dict[str, int] = {"impots": 3, "secteur_local": 2, "amendes": 1}


@dataclass(frozen=True, slots=True)
class AddressObservation:
    """One address of a debtor as one source knows it."""

    observed_on: date
    source: str  # impots, amendes, secteur_local, or another source name
    reliability: Reliability
    code_insee: str | None
    postcode: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "observed_on": self.observed_on.isoformat(),
            "source": self.source,
            "reliability": self.reliability.value,
            "code_insee": self.code_insee,
            "postcode": self.postcode,
        }


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """One consolidated account (compte consolidé), summarised for panel composition.

    ``due_cents`` maps ``impots``, ``amendes``, ``secteur_local`` to the reste à recouvrer in
    cents; ``secteur_local`` includes hospital debts, whose part is ``hospital_cents``.
    """

    redevable_id: int
    due_cents: Mapping[str, int]
    hospital_cents: int = 0
    creance_count: int = 0
    oldest_debt_on: date | None = None
    newest_debt_on: date | None = None
    nearest_prescription_on: date | None = None
    contested: bool = False
    payment_plan_honoured: bool = False
    surendettement: bool = False
    procedure_collective: bool = False
    deceased: bool = False
    addresses: tuple[AddressObservation, ...] = ()
    current_structure_codes: frozenset[str] = frozenset()

    def amount(self, product: str) -> int:
        """Reste à recouvrer of one product in cents (``hopital``: the hospital part)."""
        if product == "hopital":
            return self.hospital_cents
        return self.due_cents.get(product, 0)


@dataclass(frozen=True, slots=True)
class StructureInfo:
    """A poste comptable and its territory (INSEE codes of its communes).

    A ``tresorerie_amendes`` with an empty ``communes`` set is competent for its whole
    département. ``configuration`` marks a structure taking part in an MRF configuration.
    """

    code: str
    name: str
    type: StructureType
    departement: str
    communes: frozenset[str] = field(default_factory=frozenset)
    products: frozenset[str] = field(default_factory=frozenset)
    configuration: int | None = None

    def handles(self, products: tuple[str, ...] | frozenset[str]) -> bool:
        """Whether the structure may recover every product given (``hopital`` ⊂ ``secteur_local``)."""
        own = self.products
        return all(p in own or (p == "hopital" and "secteur_local" in own) for p in products)
