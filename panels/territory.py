"""Territorial competence of structures and the choice of a debtor's best-known address."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .errors import InputError
from .model import SOURCE_PRIORITY, AddressObservation, Reliability, StructureInfo, StructureType
from .text import date_fr, departement_of, source_label


class AddressStatus(StrEnum):
    RELIABLE = "fiable"
    UNVERIFIED = "non_verifiee"
    NONE = "aucune"  # no observation at all
    ALL_UNDELIVERABLE = "npai"  # every observation is NPAI
    NO_COMMUNE = "sans_commune"  # usable observations lack an INSEE code we can resolve


@dataclass(frozen=True, slots=True)
class AddressChoice:
    """The address retained for a debtor (or why none could be), and its resolved commune."""

    status: AddressStatus
    observation: AddressObservation | None = None
    code_insee: str | None = None  # observation's code, or resolved from its postcode

    @property
    def usable(self) -> bool:
        return self.code_insee is not None

    def describe(self) -> str:
        """``"adresse du 01/03/2026 (source : impôts)"`` (``, non vérifiée`` when so)."""
        obs = self.observation
        if obs is None:
            return "aucune adresse"
        text = f"adresse du {date_fr(obs.observed_on)} (source : {source_label(obs.source)})"
        if obs.code_insee is None and self.code_insee is not None:
            text += f" (commune déduite du code postal {obs.postcode})"
        if self.status is AddressStatus.UNVERIFIED:
            text += ", non vérifiée"
        return text


def _obs_key(o: AddressObservation) -> tuple:
    return (o.observed_on, SOURCE_PRIORITY.get(o.source, 0), o.source, o.code_insee or "", o.postcode or "")


_NONE = AddressChoice(AddressStatus.NONE)
_ALL_NPAI = AddressChoice(AddressStatus.ALL_UNDELIVERABLE)


def best_address(
    observations: Sequence[AddressObservation],
    postcode_communes: Mapping[str, Sequence[str]] | None = None,
) -> AddressChoice:
    """Most recent reliable address across sources.

    Rule: NPAI observations are ignored; among reliable ones (else, unverified ones) the most
    recent wins; same day: impots > secteur_local > amendes > others, then codes for a stable
    order. When the retained observation has no INSEE code, its postcode is used if it maps to
    exactly one commune in ``postcode_communes``; otherwise the status is ``sans_commune``
    (an older address is never preferred to the most recent one).
    """
    if not observations:
        return _NONE
    reliable: list[AddressObservation] = []
    unverified: list[AddressObservation] = []
    for o in observations:
        if o.reliability is Reliability.RELIABLE:
            reliable.append(o)
        elif o.reliability is Reliability.UNVERIFIED:
            unverified.append(o)
    if not reliable and not unverified:
        return _ALL_NPAI
    pool, status = (reliable, AddressStatus.RELIABLE) if reliable else (unverified, AddressStatus.UNVERIFIED)
    best = pool[0] if len(pool) == 1 else max(pool, key=_obs_key)
    code = best.code_insee
    if code is None and postcode_communes is not None and best.postcode:
        candidates = postcode_communes.get(best.postcode, ())
        if len(candidates) == 1:
            code = candidates[0]
    if code is None:
        return AddressChoice(AddressStatus.NO_COMMUNE, best, None)
    return AddressChoice(status, best, code)


class Territory:
    """Index of structures by (type, commune): competence lookups in O(1).

    ``communes`` optionally maps INSEE code → commune name (for messages), ``postcodes`` maps a
    postcode → INSEE codes (to resolve observations without INSEE code).
    """

    def __init__(
        self,
        structures: Iterable[StructureInfo],
        communes: Mapping[str, str] | None = None,
        postcodes: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.by_code: dict[str, StructureInfo] = {}
        by_commune: dict[tuple[StructureType, str], list[StructureInfo]] = defaultdict(list)
        dept_wide: dict[tuple[StructureType, str], list[StructureInfo]] = defaultdict(list)
        for s in sorted(structures, key=lambda s: s.code):
            if s.code in self.by_code:
                raise InputError(f"Code de structure en double : {s.code}")
            self.by_code[s.code] = s
            if s.communes:
                for c in s.communes:
                    by_commune[(s.type, c)].append(s)
            elif s.type is StructureType.TRESORERIE_AMENDES:
                dept_wide[(s.type, s.departement)].append(s)
        self._by_commune = {k: tuple(v) for k, v in by_commune.items()}
        self._dept_wide = {k: tuple(v) for k, v in dept_wide.items()}
        self.commune_names: Mapping[str, str] = communes or {}
        self.postcodes: Mapping[str, Sequence[str]] | None = postcodes

    def competent(self, type_: StructureType, code_insee: str) -> tuple[StructureInfo, ...]:
        """Structures of this type whose territory holds the commune (sorted by code)."""
        found = self._by_commune.get((type_, code_insee))
        if found is not None:
            return found
        return self._dept_wide.get((type_, departement_of(code_insee)), ())

    def holds(self, structure_code: str, code_insee: str) -> bool:
        """Whether the structure's territory holds the commune."""
        s = self.by_code.get(structure_code)
        if s is None:
            return False
        if s.communes:
            return code_insee in s.communes
        return s.type is StructureType.TRESORERIE_AMENDES and departement_of(code_insee) == s.departement

    def commune_label(self, code_insee: str) -> str:
        """``"89024 (Auxerre)"``, or the bare code when the name is unknown."""
        name = self.commune_names.get(code_insee)
        return f"{code_insee} ({name})" if name else code_insee

    def best_address(self, observations: Sequence[AddressObservation]) -> AddressChoice:
        return best_address(observations, self.postcodes)
