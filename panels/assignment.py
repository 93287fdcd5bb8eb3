"""One structure per treated debtor, by configuration, from the debtor's best-known address."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import CONFIGURATION_STRUCTURE_TYPE, AccountSummary, StructureInfo, StructureType
from .territory import AddressChoice, AddressStatus, Territory
from .text import departement_of, products_label


class PlacementCode(StrEnum):
    ASSIGNED = "affecte"
    NO_ADDRESS = "sans_adresse"
    ALL_UNDELIVERABLE = "adresses_npai"
    NO_COMMUNE = "sans_commune"
    NO_STRUCTURE = "hors_territoire"
    NOT_HABILITATED = "structure_non_habilitee"
    AMBIGUOUS = "plusieurs_structures"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a debtor goes: one structure, or the manual-assignment list with the reason."""

    code: PlacementCode
    reason: str
    structure_code: str | None = None
    candidates: tuple[str, ...] = ()
    address: AddressChoice | None = None

    @property
    def placed(self) -> bool:
        return self.structure_code is not None


_PLURALS = {
    StructureType.SIP: "SIP",
    StructureType.TRESORERIE_AMENDES: "trésoreries amendes",
    StructureType.TRESORERIE_MIXTE: "trésoreries mixtes",
    StructureType.TRESORERIE_SPL: "trésoreries SPL",
}


def _article(type_: StructureType) -> tuple[str, str]:
    """(« compétent(e) », « aucun(e) ») agreeing with the structure type."""
    return ("compétente", "aucune") if type_.feminine else ("compétent", "aucun")


class Assigner:
    """Places debtors for one configuration: (1) the SIP, (2) the trésorerie mixte, (3) the
    trésorerie amendes whose territory holds the commune of the debtor's best-known address.

    A candidate must also be habilitated: take part in the configuration
    (``StructureInfo.configuration``) or recover every product of the panel.
    """

    def __init__(self, territory: Territory, configuration: int, products: tuple[str, ...]) -> None:
        self.territory = territory
        self.configuration = configuration
        self.products = tuple(products)
        self.structure_type = CONFIGURATION_STRUCTURE_TYPE[configuration]
        self._by_commune: dict[str, tuple[PlacementCode, str | None, tuple[str, ...], str]] = {}

    def habilitated(self, s: StructureInfo) -> bool:
        return s.configuration == self.configuration or s.handles(self.products)

    def commune_outcome(self, code_insee: str) -> tuple[PlacementCode, str | None, tuple[str, ...], str]:
        """(code, structure, candidates, French text) for a commune, without the address part
        of the reason; cached per commune."""
        cached = self._by_commune.get(code_insee)
        if cached is not None:
            return cached
        t = self.structure_type
        adj, none_word = _article(t)
        where = self.territory.commune_label(code_insee)
        found = self.territory.competent(t, code_insee)
        ok = tuple(s for s in found if self.habilitated(s))
        if len(ok) == 1:
            s = ok[0]
            text = f"{t.label} {adj} pour la commune {where}"
            if not s.communes:
                text += f" (département {departement_of(code_insee)})"
            out = (PlacementCode.ASSIGNED, s.code, (s.code,), text[0].upper() + text[1:])
        elif len(ok) > 1:
            codes = tuple(s.code for s in ok)
            plural = _PLURALS[t]
            adj_pl = adj + "s"
            out = (
                PlacementCode.AMBIGUOUS,
                None,
                codes,
                f"Plusieurs {plural} {adj_pl} pour la commune {where} : {', '.join(codes)}",
            )
        elif found:
            codes = tuple(s.code for s in found)
            out = (
                PlacementCode.NOT_HABILITATED,
                None,
                codes,
                f"{t.label[0].upper() + t.label[1:]} {adj} pour la commune {where} ({', '.join(codes)}) "
                f"non habilité{'e' if t.feminine else ''} pour la configuration {self.configuration} "
                f"({products_label(self.products)})",
            )
        else:
            out = (
                PlacementCode.NO_STRUCTURE,
                None,
                (),
                f"Commune {where} dans le territoire d'{none_word} {t.label}",
            )
        self._by_commune[code_insee] = out
        return out

    def place_address(self, choice: AddressChoice) -> Placement:
        """Placement for an address already chosen (see :func:`panels.territory.best_address`)."""
        if choice.code_insee is None:
            if choice.status is AddressStatus.NONE:
                return Placement(PlacementCode.NO_ADDRESS, "Aucune adresse connue : affectation manuelle",
                                 address=choice)
            if choice.status is AddressStatus.ALL_UNDELIVERABLE:
                return Placement(
                    PlacementCode.ALL_UNDELIVERABLE,
                    "Toutes les adresses connues sont NPAI (pli non distribuable) : affectation manuelle",
                    address=choice,
                )
            obs = choice.observation
            pc = f" (code postal {obs.postcode})" if obs is not None and obs.postcode else ""
            return Placement(
                PlacementCode.NO_COMMUNE,
                f"Commune inconnue pour l'{choice.describe()}{pc} : affectation manuelle",
                address=choice,
            )
        code, structure, candidates, text = self.commune_outcome(choice.code_insee)
        if code is PlacementCode.ASSIGNED:
            return Placement(code, f"{text}, {choice.describe()}", structure, candidates, choice)
        return Placement(code, f"{text} ({choice.describe()}) : affectation manuelle", None, candidates, choice)

    def place(self, account: AccountSummary, choice: AddressChoice | None = None) -> Placement:
        """Placement of one debtor; ``choice`` avoids recomputing the best address."""
        if choice is None:
            choice = self.territory.best_address(account.addresses)
        return self.place_address(choice)
