"""The demo's postes comptables (structures) for the four experimental départements.

Each département has:
- several SIPs (impôts) whose territories partition its communes, one per real SIP town;
- one trésorerie amendes covering all its communes (in the Nièvre, the trésorerie mixte of Nevers,
  "hôpital et amendes", plays that role);
- trésoreries SPL (secteur public local) with the same territories as the SIPs; in the Nièvre the
  trésorerie mixte of Nevers also recovers the hospital debts of the whole département.

The reference has no coordinates, so territories are grouped by La Poste distribution office
(communes sharing their first postal code stay together), and each office is assigned by hand to
the SIP town it lies nearest to (an arrondissement-like grouping). An office missing from the
table (a newer reference) goes to the SIP town whose INSEE code is nearest. Pure function of the
vendored reference: deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from matching.reference import CommuneReference, load_reference

PRODUCTS = ("impots", "amendes", "secteur_local")
STRUCTURE_TYPES = ("sip", "tresorerie_amendes", "tresorerie_mixte", "tresorerie_spl")
DEPARTEMENTS = ("89", "43", "58", "06")

#: Products mutualised in one structure by each MRF experimental configuration.
CONFIGURATION_PRODUCTS: dict[int, tuple[str, ...]] = {
    1: ("impots", "amendes"),  # SIP d'Auxerre, SIP du Puy-en-Velay
    2: ("amendes", "secteur_local"),  # trésorerie de Nevers hôpital et amendes (hospital debts)
    3: ("impots", "amendes"),  # trésorerie amendes des Alpes-Maritimes
}


@dataclass(frozen=True)
class StructureDef:
    """A poste comptable: ``products`` is its ordinary competence on ``communes``.

    ``configuration`` is the MRF experimental configuration (1, 2, 3) in which the structure
    takes over the mutualised products of `CONFIGURATION_PRODUCTS` for the panel's debtors.
    """

    code: str
    name: str
    type: str
    departement: str
    products: tuple[str, ...]
    communes: tuple[str, ...]
    configuration: int | None = None


# (town key used in the codes, SIP name, SPL name, INSEE code of the town, first postal codes of
# the distribution offices of its territory)
_TOWNS: dict[str, tuple[tuple[str, str, str, str, tuple[str, ...]], ...]] = {
    "89": (
        ("AUXERRE", "SIP d'Auxerre", "Trésorerie d'Auxerre (secteur public local)", "89024", (
            "89000", "89110", "89113", "89116", "89130", "89144", "89170", "89210", "89220",
            "89230", "89240", "89250", "89270", "89290", "89300", "89350", "89380", "89400",
            "89410", "89460", "89470", "89480", "89520", "89530", "89550", "89560", "89570",
            "89580", "89600", "89710", "89770", "89800")),
        ("SENS", "SIP de Sens", "Trésorerie de Sens (secteur public local)", "89387", (
            "89100", "89140", "89150", "89190", "89260", "89320", "89330", "89340", "89500",
            "89510", "89690")),
        ("AVALLON", "SIP d'Avallon", "Trésorerie d'Avallon (secteur public local)", "89025", (
            "89200", "89160", "89310", "89360", "89390", "89420", "89430", "89440", "89450",
            "89630", "89660", "89700", "89740")),
    ),
    "43": (
        ("LE-PUY", "SIP du Puy-en-Velay", "Trésorerie du Puy-en-Velay (secteur public local)", "43157", (
            "43000", "43150", "43170", "43260", "43270", "43320", "43340", "43350", "43370",
            "43420", "43490", "43500", "43510", "43580", "43700", "43750", "43770", "43800")),
        ("BRIOUDE", "SIP de Brioude", "Trésorerie de Brioude (secteur public local)", "43040", (
            "43100", "43160", "43230", "43250", "43300", "43360", "43380", "43390", "43410",
            "43440", "43450")),
        ("YSSINGEAUX", "SIP d'Yssingeaux", "Trésorerie d'Yssingeaux (secteur public local)", "43268", (
            "43200", "43110", "43120", "43130", "43140", "43190", "43210", "43220", "43240",
            "43290", "43330", "43400", "43430", "43520", "43530", "43550", "43590", "43600",
            "43620", "43810")),
    ),
    "58": (
        ("NEVERS", "SIP de Nevers", "Trésorerie de Nevers (secteur public local)", "58194", (
            "58000", "58110", "58120", "58130", "58160", "58170", "58180", "58230", "58240",
            "58250", "58260", "58270", "58290", "58300", "58320", "58330", "58340", "58360",
            "58370", "58380", "58390", "58430", "58470", "58490", "58600", "58640", "58660",
            "58700")),
        ("COSNE", "SIP de Cosne-Cours-sur-Loire", "Trésorerie de Cosne-Cours-sur-Loire (secteur public local)",
         "58086", (
            "58200", "58150", "58220", "58310", "58350", "58400", "58440", "58450")),
        ("CLAMECY", "SIP de Clamecy", "Trésorerie de Clamecy (secteur public local)", "58079", (
            "58500", "58140", "58190", "58210", "58410", "58420", "58460", "58530", "58800")),
    ),
    "06": (
        ("NICE", "SIP de Nice", "Trésorerie de Nice (secteur public local)", "06088", (
            "06000", "06230", "06260", "06310", "06340", "06360", "06390", "06420", "06440",
            "06450", "06470", "06510", "06610", "06640", "06660", "06670", "06690", "06700",
            "06710", "06730", "06790", "06830", "06950")),
        ("CANNES", "SIP de Cannes", "Trésorerie de Cannes (secteur public local)", "06029", (
            "06150", "06110", "06210", "06250", "06550", "06580", "06590")),
        ("ANTIBES", "SIP d'Antibes", "Trésorerie d'Antibes (secteur public local)", "06004", (
            "06160", "06140", "06220", "06270", "06410", "06480", "06560", "06570", "06800")),
        ("GRASSE", "SIP de Grasse", "Trésorerie de Grasse (secteur public local)", "06069", (
            "06130", "06330", "06370", "06460", "06530", "06620", "06650", "06740", "06750",
            "06810", "06850", "06910")),
        ("MENTON", "SIP de Menton", "Trésorerie de Menton (secteur public local)", "06083", (
            "06500", "06190", "06240", "06320", "06380", "06430", "06540")),
    ),
}

_DEPARTEMENT_NAMES = {
    "89": "de l'Yonne",
    "43": "de la Haute-Loire",
    "58": "de la Nièvre",
    "06": "des Alpes-Maritimes",
}

# Experimental structures: town key -> configuration.
_SIP_CONFIGURATION = {"AUXERRE": 1, "LE-PUY": 1}


def _partition(ref: CommuneReference, dep: str) -> dict[str, list[str]]:
    """Town key -> sorted INSEE codes of the COM communes of its territory."""
    towns = _TOWNS[dep]
    office_town = {pc: key for key, _, _, _, offices in towns for pc in offices}
    territory: dict[str, list[str]] = {key: [] for key, *_ in towns}
    for code in sorted(ref.by_code):
        commune = ref.by_code[code]
        if commune.departement != dep or commune.type != "COM":
            continue
        key = office_town.get(commune.postcodes[0]) if commune.postcodes else None
        if key is None:  # office unknown to the table: nearest SIP town by INSEE code
            key = min(towns, key=lambda t: (abs(int(t[3]) - int(code)), t[3]))[0]
        territory[key].append(code)
    return territory


@lru_cache(maxsize=1)
def _structures() -> tuple[StructureDef, ...]:
    ref = load_reference()
    out: list[StructureDef] = []
    for dep in DEPARTEMENTS:
        territory = _partition(ref, dep)
        every = tuple(sorted(c for cs in territory.values() for c in cs))
        for key, sip_name, _, _, _ in _TOWNS[dep]:
            out.append(StructureDef(
                code=f"SIP-{key}", name=sip_name, type="sip", departement=dep,
                products=("impots",), communes=tuple(territory[key]),
                configuration=_SIP_CONFIGURATION.get(key),
            ))
        if dep == "58":
            out.append(StructureDef(
                code="TM-NEVERS", name="Trésorerie de Nevers hôpital et amendes",
                type="tresorerie_mixte", departement=dep,
                products=("amendes", "secteur_local"), communes=every, configuration=2,
            ))
        else:
            out.append(StructureDef(
                code=f"TA-{dep}", name=f"Trésorerie amendes {_DEPARTEMENT_NAMES[dep]}",
                type="tresorerie_amendes", departement=dep, products=("amendes",),
                communes=every, configuration=3 if dep == "06" else None,
            ))
        for key, _, spl_name, _, _ in _TOWNS[dep]:
            out.append(StructureDef(
                code=f"SPL-{key}", name=spl_name, type="tresorerie_spl", departement=dep,
                products=("secteur_local",), communes=tuple(territory[key]),
            ))
    return tuple(out)


def demo_structures() -> list[StructureDef]:
    """The structures of départements 89, 43, 58 and 06, experimental ones included."""
    return list(_structures())


class CompetenceIndex:
    """Which structure recovers a product for a commune.

    For secteur local, a trésorerie mixte (Nevers) takes the hospital debts of its territory and
    the trésorerie SPL the others; elsewhere the trésorerie SPL takes both.
    """

    def __init__(self, structures: list[StructureDef] | None = None) -> None:
        self._by: dict[tuple[str, str, bool], StructureDef] = {}
        items = structures if structures is not None else demo_structures()
        for s in items:
            for product in s.products:
                for code in s.communes:
                    for hosp in (False, True):
                        key = (product, code, hosp)
                        current = self._by.get(key)
                        if current is None or _rank(s, product, hosp) < _rank(current, product, hosp):
                            self._by[key] = s

    def competent(self, product: str, code_insee: str, hospitalier: bool = False) -> StructureDef | None:
        return self._by.get((product, code_insee, hospitalier if product == "secteur_local" else False))


def _rank(s: StructureDef, product: str, hospitalier: bool) -> int:
    if product == "secteur_local":
        if s.type == "tresorerie_mixte":
            return 0 if hospitalier else 2
        return 1
    return 0


def competent_structure(product: str, code_insee: str, hospitalier: bool = False) -> StructureDef | None:
    """The demo structure competent for ``product`` in commune ``code_insee`` (None outside)."""
    return _competence_index().competent(product, code_insee, hospitalier)


@lru_cache(maxsize=1)
def _competence_index() -> CompetenceIndex:
    return CompetenceIndex()
