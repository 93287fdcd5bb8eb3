"""Who is comptable of each créance now: the panel's scope by configuration, the control group left alone.

One rule, used by the application for every account (plan, SATD, pages, routing of later créances):

- the treated member's assigned structure is comptable in charge only of the créances whose
  category is in its panel's configuration (1 and 3: impôts + amendes; 2: amendes + hôpital);
- every other créance stays with its original comptable (the structure of its source record);
- a témoin (control group) is handled as without the product: each créance with its original comptable.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import CONFIGURATION_PRODUCTS, PRODUCT_LABELS

#: Categories of créances in the panels' vocabulary (``hopital``: hospital debts of the secteur local).
CATEGORIES: tuple[str, ...] = ("impots", "amendes", "hopital", "secteur_local")


class ScopeGroup(StrEnum):
    """The debtor's place in the experiment, as the plan's JSON and the work list's filter name it."""

    PANEL = "panel"  # treated
    CONTROL = "control"  # groupe témoin: circuit habituel
    NONE = "none"  # in no published panel


def categorie(product: str, is_hospital: bool = False) -> str:
    """The category of a créance: its product, ``hopital`` for the hospital debts of the secteur local."""
    if product == "secteur_local" and is_hospital:
        return "hopital"
    if product not in CATEGORIES:
        raise ValueError(f"Produit inconnu : « {product} » (attendu : impots, amendes ou secteur_local).")
    return product


@dataclass(frozen=True, slots=True)
class Scope:
    """The debtor's membership as the application knows it: group, panel, configuration and the
    structure assigned in force (treated members only; None while awaiting manual assignment).

    ``group`` NONE with a ``structure``: an assignment made outside any panel, which covers every créance."""

    group: ScopeGroup = ScopeGroup.NONE
    panel_name: str | None = None
    configuration: int | None = None
    structure: str | None = None

    def __post_init__(self) -> None:
        if self.group is ScopeGroup.PANEL and self.configuration not in CONFIGURATION_PRODUCTS:
            raise ValueError(f"Configuration inconnue pour le panel {self.panel_name} : {self.configuration!r}.")

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories the assigned structure takes (empty for a témoin or a debtor in no panel)."""
        if self.group is ScopeGroup.PANEL:
            return CONFIGURATION_PRODUCTS[self.configuration or 0]
        if self.group is ScopeGroup.NONE and self.structure is not None:
            return CATEGORIES
        return ()

    @property
    def is_control(self) -> bool:
        return self.group is ScopeGroup.CONTROL

    @property
    def label(self) -> str:
        """« Traité (panel NAME, configuration N) », « Témoin (panel NAME) — circuit habituel » or « Hors panel »."""
        if self.group is ScopeGroup.PANEL:
            return f"Traité (panel {self.panel_name}, configuration {self.configuration})"
        if self.group is ScopeGroup.CONTROL:
            return f"Témoin (panel {self.panel_name}) — circuit habituel"
        return "Hors panel"

    @property
    def categories_label(self) -> str:
        return " et ".join(PRODUCT_LABELS[c] for c in self.categories)


def in_scope(scope: Scope, category: str) -> bool:
    """True when the assigned structure is in charge of a créance of this category."""
    return scope.structure is not None and category in scope.categories


def comptable_now(scope: Scope, category: str, comptable_origine: str) -> str:
    """Code of the structure pursuing a créance now: the assigned structure within its scope, else its
    original comptable. The same rule routes a member's créances arriving after publication."""
    if category not in CATEGORIES:
        raise ValueError(f"Catégorie de créance inconnue : « {category} ».")
    return scope.structure if in_scope(scope, category) and scope.structure else comptable_origine
