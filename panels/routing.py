"""After publication: routing of new créances, reassignment proposals when a debtor moves."""

from __future__ import annotations

from dataclasses import dataclass

from .assignment import Assigner, PlacementCode
from .lifecycle import Membership, PanelState
from .model import PRODUCT_LABELS, AddressObservation
from .result import Group
from .territory import AddressStatus
from .text import products_label


@dataclass(frozen=True, slots=True)
class NewCreance:
    redevable_id: int
    product: str  # impots, amendes, secteur_local
    hospital: bool = False  # secteur_local créance of a hospital
    reference: str = ""

    @property
    def panel_product(self) -> str:
        return "hopital" if self.product == "secteur_local" and self.hospital else self.product


@dataclass(frozen=True, slots=True)
class CreanceRouting:
    """Structure that takes the créance; None: the usual circuit of its product."""

    structure_code: str | None
    reason: str


def route_new_creance(membership: Membership | None, creance: NewCreance) -> CreanceRouting:
    """A debt arriving after publication follows the member's assigned structure when it is in
    the panel's products; otherwise it keeps its usual circuit."""
    if membership is None:
        return CreanceRouting(None, "Redevable hors panel : circuit habituel")
    if membership.member.redevable_id != creance.redevable_id:
        raise ValueError(
            f"La créance concerne le redevable {creance.redevable_id}, "
            f"pas le membre {membership.member.redevable_id}"
        )
    panel = membership.panel_name
    if membership.state is PanelState.DRAFT:
        return CreanceRouting(None, f"Panel {panel} non publié : circuit habituel")
    if membership.state is PanelState.CLOSED:
        return CreanceRouting(None, f"Panel {panel} clos : circuit habituel")
    if membership.member.group is Group.CONTROL:
        return CreanceRouting(None, f"Redevable du groupe témoin du panel {panel} : circuit habituel")
    product = creance.panel_product
    if product not in membership.products:
        return CreanceRouting(
            None,
            f"Produit {PRODUCT_LABELS.get(product, product)} hors du périmètre du panel {panel} "
            f"({products_label(membership.products)}) : circuit habituel",
        )
    structure = membership.structure_in_force
    if structure is None:
        return CreanceRouting(
            None, f"Affectation manuelle en attente dans le panel {panel} : circuit habituel jusqu'à l'affectation"
        )
    return CreanceRouting(structure, f"Créance rattachée au compte consolidé suivi par {structure} (panel {panel})")


def _lower_first(text: str) -> str:
    """« Commune … » → « commune … », but « SIP … » stays."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


@dataclass(frozen=True, slots=True)
class ReassignmentProposal:
    redevable_id: int
    from_structure: str
    to_structure: str | None  # None: no single competent structure, manual assignment
    reason: str
    new_address: AddressObservation
    code_insee: str

    @property
    def manual(self) -> bool:
        return self.to_structure is None


def propose_reassignment(
    membership: Membership, new_address: AddressObservation, assigner: Assigner
) -> ReassignmentProposal | None:
    """Proposal when a treated member of a published panel moves out of the territory of its
    structure; None when nothing changes (same territory, control, older or unusable address)."""
    if membership.state is not PanelState.PUBLISHED or membership.member.group is not Group.PANEL:
        return None
    current = membership.structure_in_force
    if current is None:
        return None
    known = membership.member.address
    if known is not None and new_address.observed_on < known.observed_on:
        return None
    choice = assigner.territory.best_address([new_address])
    if choice.code_insee is None or choice.status is AddressStatus.ALL_UNDELIVERABLE:
        return None
    code = choice.code_insee
    if assigner.territory.holds(current, code):
        return None
    s = assigner.territory.by_code.get(current)
    current_label = f"{current} ({s.name})" if s else current
    head = f"Déménagement ({choice.describe()}) hors du territoire de {current_label}"
    outcome, structure, _, text = assigner.commune_outcome(code)
    if outcome is PlacementCode.ASSIGNED:
        return ReassignmentProposal(
            membership.member.redevable_id,
            current,
            structure,
            f"{head} : proposition {structure}, {_lower_first(text)}",
            new_address,
            code,
        )
    return ReassignmentProposal(
        membership.member.redevable_id,
        current,
        None,
        f"{head} : {_lower_first(text)} ; affectation manuelle à prévoir",
        new_address,
        code,
    )
