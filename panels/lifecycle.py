"""Panel lifecycle: brouillon (preview, recompute) → publié (frozen) → clos."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from .compose import compose_panel
from .criteria import Criteria
from .errors import TransitionRefused
from .model import AccountSummary, StructureInfo
from .result import Member, PanelResult
from .territory import Territory


class PanelState(StrEnum):
    DRAFT = "brouillon"
    PUBLISHED = "publie"
    CLOSED = "clos"

    @property
    def label(self) -> str:
        return {"brouillon": "brouillon", "publie": "publié", "clos": "clos"}[self.value]


class PanelAction(StrEnum):
    PREVIEW = "previsualiser"
    RECOMPUTE = "recalculer"
    EDIT_CRITERIA = "modifier_criteres"
    PUBLISH = "publier"
    CLOSE = "clore"


TRANSITIONS: dict[tuple[PanelState, PanelAction], PanelState] = {
    (PanelState.DRAFT, PanelAction.PREVIEW): PanelState.DRAFT,
    (PanelState.DRAFT, PanelAction.RECOMPUTE): PanelState.DRAFT,
    (PanelState.DRAFT, PanelAction.EDIT_CRITERIA): PanelState.DRAFT,
    (PanelState.DRAFT, PanelAction.PUBLISH): PanelState.PUBLISHED,
    (PanelState.PUBLISHED, PanelAction.CLOSE): PanelState.CLOSED,
}

_REFUSALS: dict[tuple[PanelState, PanelAction], str] = {
    (PanelState.PUBLISHED, PanelAction.PREVIEW): "un panel publié a une composition figée : plus de prévisualisation",
    (PanelState.PUBLISHED, PanelAction.RECOMPUTE): (
        "un panel publié ne peut pas être recalculé : composition et affectations sont figées"
    ),
    (PanelState.PUBLISHED, PanelAction.EDIT_CRITERIA): "les critères d'un panel publié ne peuvent plus être modifiés",
    (PanelState.PUBLISHED, PanelAction.PUBLISH): "le panel est déjà publié",
    (PanelState.DRAFT, PanelAction.CLOSE): "un panel en brouillon ne peut pas être clos : il faut d'abord le publier",
    (PanelState.CLOSED, PanelAction.CLOSE): "le panel est déjà clos",
}


def next_state(state: PanelState, action: PanelAction) -> PanelState:
    """The state after ``action``, or :class:`TransitionRefused` with a French message."""
    target = TRANSITIONS.get((state, action))
    if target is not None:
        return target
    why = _REFUSALS.get((state, action))
    if why is None and state is PanelState.CLOSED:
        why = "un panel clos ne peut plus être modifié"
    raise TransitionRefused(f"Action « {action.value} » refusée sur un panel {state.label} : {why}.")


@dataclass(frozen=True, slots=True)
class Membership:
    """A debtor's place in a panel, as the application holds it (structure may be set by hand
    after a manual assignment)."""

    panel_name: str
    state: PanelState
    products: tuple[str, ...]
    member: Member
    structure_code: str | None = None  # in force; defaults to member.structure_code

    @property
    def structure_in_force(self) -> str | None:
        return self.structure_code if self.structure_code is not None else self.member.structure_code


@dataclass(frozen=True)
class Panel:
    """Immutable panel; each transition returns a new value."""

    criteria: Criteria
    state: PanelState = PanelState.DRAFT
    result: PanelResult | None = None
    published_on: date | None = None
    closed_on: date | None = None

    def preview(
        self,
        accounts: Iterable[AccountSummary],
        structures: Iterable[StructureInfo] | Territory,
        *,
        as_of: date | None = None,
        communes: Mapping[str, str] | None = None,
        postcodes: Mapping[str, Sequence[str]] | None = None,
    ) -> PanelResult:
        """Compose without keeping the result (draft only)."""
        next_state(self.state, PanelAction.PREVIEW)
        return compose_panel(accounts, structures, self.criteria, as_of=as_of, communes=communes, postcodes=postcodes)

    def recompute(
        self,
        accounts: Iterable[AccountSummary],
        structures: Iterable[StructureInfo] | Territory,
        *,
        as_of: date | None = None,
        communes: Mapping[str, str] | None = None,
        postcodes: Mapping[str, Sequence[str]] | None = None,
    ) -> Panel:
        """Compose and keep the result (draft only)."""
        state = next_state(self.state, PanelAction.RECOMPUTE)
        result = compose_panel(accounts, structures, self.criteria, as_of=as_of, communes=communes, postcodes=postcodes)
        return replace(self, state=state, result=result)

    def with_criteria(self, criteria: Criteria) -> Panel:
        """New criteria (draft only); the previous result is dropped."""
        state = next_state(self.state, PanelAction.EDIT_CRITERIA)
        return replace(self, criteria=criteria, state=state, result=None)

    def publish(self, on: date) -> Panel:
        """Freeze membership and assignments."""
        state = next_state(self.state, PanelAction.PUBLISH)
        if self.result is None:
            raise TransitionRefused("Publication refusée : le panel n'a pas encore été calculé.")
        if not self.result.members:
            raise TransitionRefused("Publication refusée : le panel ne compte aucun membre.")
        if self.result.criteria != self.criteria:
            raise TransitionRefused("Publication refusée : le calcul ne correspond pas aux critères en vigueur.")
        return replace(self, state=state, published_on=on)

    def close(self, on: date) -> Panel:
        state = next_state(self.state, PanelAction.CLOSE)
        if self.published_on is not None and on < self.published_on:
            raise TransitionRefused(
                f"Clôture refusée : la date de clôture ({on.isoformat()}) précède la publication "
                f"({self.published_on.isoformat()})."
            )
        return replace(self, state=state, closed_on=on)

    def membership(self, redevable_id: int) -> Membership | None:
        """The debtor's membership, or None when not a member (or nothing computed)."""
        if self.result is None:
            return None
        m = self.result.member(redevable_id)
        if m is None:
            return None
        return Membership(self.criteria.name, self.state, self.criteria.products, m)
