"""Output types: the composed panel, its members, balance table and manual-assignment list."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any

from .criteria import Criteria
from .model import AddressObservation
from .selection import SelectionReport


class Group(StrEnum):
    PANEL = "panel"  # treated: one structure handles all its debts
    CONTROL = "control"  # groupe témoin: usual management

    @property
    def label(self) -> str:
        return "panel" if self is Group.PANEL else "groupe témoin"


TO_ASSIGN = ""  # structure part of the stratum of a debtor that could not be placed
TO_ASSIGN_LABEL = "à affecter"


@dataclass(frozen=True, slots=True, order=True)
class Stratum:
    """Stratification cell: product mix, amount band, target structure."""

    structure: str  # code of the structure the debtor would go to, or "" (à affecter)
    product_mix: str  # e.g. "amendes+impots+secteur_local"
    amount_band: int  # index in the criteria's amount bands (0 = lowest)
    amount_band_label: str = field(compare=False)

    @property
    def key(self) -> str:
        return f"{self.product_mix}|{self.amount_band}|{self.structure or 'a_affecter'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_mix": self.product_mix,
            "amount_band": self.amount_band,
            "amount_band_label": self.amount_band_label,
            "structure": self.structure or None,
        }


@dataclass(frozen=True, slots=True)
class Member:
    redevable_id: int
    group: Group
    structure_code: str | None  # assigned structure (panel only); None for control or manual
    reason: str  # French: why this structure, why manual, or why control
    stratum: Stratum
    code_insee: str | None = None  # commune of the address retained
    address: AddressObservation | None = None  # address retained (say which)

    @property
    def manual(self) -> bool:
        return self.group is Group.PANEL and self.structure_code is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "redevable_id": self.redevable_id,
            "group": self.group.value,
            "structure_code": self.structure_code,
            "reason": self.reason,
            "stratum": self.stratum.key,
            "code_insee": self.code_insee,
            "address": self.address.to_dict() if self.address else None,
        }


@dataclass(frozen=True, slots=True)
class ManualEntry:
    """A treated debtor who could not be placed: never dropped, waits for a manual assignment."""

    redevable_id: int
    reason_code: str  # sans_adresse, adresses_npai, sans_commune, hors_territoire, ...
    reason: str  # French
    candidates: tuple[str, ...] = ()  # structures in conflict, when several
    code_insee: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "redevable_id": self.redevable_id,
            "reason_code": self.reason_code,
            "reason": self.reason,
            "candidates": list(self.candidates),
            "code_insee": self.code_insee,
        }


@dataclass(frozen=True, slots=True)
class StratumCount:
    stratum: Stratum
    n_panel: int
    n_control: int

    @property
    def n(self) -> int:
        return self.n_panel + self.n_control

    @property
    def control_share(self) -> float:
        return self.n_control / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.stratum.to_dict(),
            "key": self.stratum.key,
            "n": self.n,
            "n_panel": self.n_panel,
            "n_control": self.n_control,
            "control_share": round(self.control_share, 4),
        }


@dataclass(frozen=True, slots=True)
class LevelBalance:
    """Balance of one level of a stratification variable (share of each group in the level)."""

    variable: str  # product_mix, amount_band, structure
    level: str
    n_panel: int
    n_control: int
    share_panel: float
    share_control: float
    smd: float | None  # standardised mean difference of the level indicator

    def to_dict(self) -> dict[str, Any]:
        return {
            "variable": self.variable,
            "level": self.level,
            "n_panel": self.n_panel,
            "n_control": self.n_control,
            "share_panel": self.share_panel,
            "share_control": self.share_control,
            "smd": self.smd,
        }


@dataclass(frozen=True, slots=True)
class CovariateBalance:
    covariate: str
    label: str  # French
    n_panel: int  # units with a known value
    n_control: int
    mean_panel: float | None  # amounts: integer cents
    mean_control: float | None
    smd: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "covariate": self.covariate,
            "label": self.label,
            "n_panel": self.n_panel,
            "n_control": self.n_control,
            "mean_panel": self.mean_panel,
            "mean_control": self.mean_control,
            "smd": self.smd,
        }


@dataclass(frozen=True)
class BalanceTable:
    n_panel: int
    n_control: int
    levels: tuple[LevelBalance, ...]
    covariates: tuple[CovariateBalance, ...]
    strata: tuple[StratumCount, ...]

    def max_abs_smd(self) -> float:
        vals = [abs(r.smd) for r in (*self.levels, *self.covariates) if r.smd is not None]
        return max(vals, default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_panel": self.n_panel,
            "n_control": self.n_control,
            "levels": [r.to_dict() for r in self.levels],
            "covariates": [r.to_dict() for r in self.covariates],
            "strata": [s.to_dict() for s in self.strata],
        }


@dataclass(frozen=True)
class PanelResult:
    """A composed panel: members (sorted by redevable_id), selection funnel, balance, manual list."""

    criteria: Criteria
    reference_date: date
    members: tuple[Member, ...]
    selection: SelectionReport
    balance: BalanceTable
    manual: tuple[ManualEntry, ...]

    @cached_property
    def _by_id(self) -> dict[int, Member]:
        return {m.redevable_id: m for m in self.members}

    def member(self, redevable_id: int) -> Member | None:
        return self._by_id.get(redevable_id)

    def groups(self) -> dict[int, Group]:
        """redevable_id → group, for :func:`panels.evaluation.compare_recovery`."""
        return {m.redevable_id: m.group for m in self.members}

    @property
    def panel_members(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.group is Group.PANEL)

    @property
    def control_members(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.group is Group.CONTROL)

    def structure_counts(self) -> dict[str, int]:
        """Treated members per assigned structure."""
        out: dict[str, int] = {}
        for m in self.members:
            if m.group is Group.PANEL and m.structure_code is not None:
                out[m.structure_code] = out.get(m.structure_code, 0) + 1
        return dict(sorted(out.items()))

    def to_dict(self, *, include_members: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.criteria.name,
            "configuration": self.criteria.configuration,
            "products": list(self.criteria.products),
            "seed": self.criteria.seed,
            "control_share": self.criteria.control_share,
            "reference_date": self.reference_date.isoformat(),
            "criteria": self.criteria.to_dict(),
            "criteria_digest": self.criteria.digest(),
            "counts": {
                "panel": self.balance.n_panel,
                "control": self.balance.n_control,
                "manual": len(self.manual),
            },
            "structures": self.structure_counts(),
            "selection": self.selection.to_dict(),
            "balance": self.balance.to_dict(),
            "manual": [e.to_dict() for e in self.manual],
        }
        if include_members:
            d["members"] = [m.to_dict() for m in self.members]
        return d

    def to_json(self) -> str:
        """Canonical JSON: same criteria, seed and accounts give the same bytes."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def digest(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()
