"""The demo structures: territories, competence, experimental configurations (pure, no database)."""

from __future__ import annotations

from collections import Counter

from matching.reference import load_reference
from mrf.demo.structures import (
    DEPARTEMENTS,
    PRODUCTS,
    STRUCTURE_TYPES,
    StructureDef,
    competent_structure,
    demo_structures,
)


def _com_communes(dep: str) -> set[str]:
    return {c.code_insee for c in load_reference().by_code.values() if c.departement == dep and c.type == "COM"}


def test_codes_are_unique_short_upper_and_fields_valid():
    structures = demo_structures()
    codes = [s.code for s in structures]
    assert len(codes) == len(set(codes))
    for s in structures:
        assert isinstance(s, StructureDef)
        assert s.code == s.code.upper() and len(s.code) <= 32 and " " not in s.code
        assert s.type in STRUCTURE_TYPES
        assert s.departement in DEPARTEMENTS
        assert s.products and set(s.products) <= set(PRODUCTS)
        assert s.communes and s.configuration in (None, 1, 2, 3)
        assert list(s.communes) == sorted(set(s.communes))


def test_deterministic():
    assert demo_structures() == demo_structures()


def test_experimental_structures():
    by_code = {s.code: s for s in demo_structures()}
    assert by_code["SIP-AUXERRE"].configuration == 1 and by_code["SIP-AUXERRE"].departement == "89"
    assert by_code["SIP-LE-PUY"].configuration == 1 and by_code["SIP-LE-PUY"].departement == "43"
    nevers = by_code["TM-NEVERS"]
    assert (nevers.configuration, nevers.type, nevers.departement) == (2, "tresorerie_mixte", "58")
    assert set(nevers.products) == {"amendes", "secteur_local"}
    ta06 = by_code["TA-06"]
    assert (ta06.configuration, ta06.type) == (3, "tresorerie_amendes")
    others = [s for s in demo_structures() if s.code not in ("SIP-AUXERRE", "SIP-LE-PUY", "TM-NEVERS", "TA-06")]
    assert all(s.configuration is None for s in others)
    assert "SIP du Puy-en-Velay" == by_code["SIP-LE-PUY"].name


def test_communes_belong_to_the_departement():
    ref = load_reference()
    for s in demo_structures():
        for code in s.communes:
            commune = ref.commune(code)
            assert commune is not None, (s.code, code)
            assert commune.departement == s.departement and commune.type == "COM", (s.code, code)


def test_every_commune_has_exactly_one_sip():
    for dep in DEPARTEMENTS:
        sips = [s for s in demo_structures() if s.type == "sip" and s.departement == dep]
        assert len(sips) >= 3
        counts = Counter(code for s in sips for code in s.communes)
        assert set(counts) == _com_communes(dep)
        assert set(counts.values()) == {1}


def test_real_sip_towns_are_in_their_own_sip():
    ref = load_reference()
    for s in demo_structures():
        if s.type == "sip":
            town = s.name.split(" ", 1)[1].removeprefix("de ").removeprefix("d'").removeprefix("du ")
            if town == "Puy-en-Velay":
                town = "Le Puy-en-Velay"
            codes = [c for c in s.communes if ref.by_code[c].nom == town]
            assert codes, s.code


def test_every_commune_has_one_competent_structure_per_product():
    for dep in DEPARTEMENTS:
        amendes = [s for s in demo_structures() if "amendes" in s.products and s.departement == dep]
        assert len(amendes) == 1 and set(amendes[0].communes) == _com_communes(dep)
        for code in _com_communes(dep):
            for product in PRODUCTS:
                for hospital in (False, True):
                    s = competent_structure(product, code, hospital)
                    assert s is not None and product in s.products and code in s.communes


def test_nevers_takes_hospital_debts_and_spl_the_others():
    assert competent_structure("secteur_local", "58086", hospitalier=True).code == "TM-NEVERS"
    assert competent_structure("secteur_local", "58086", hospitalier=False).code == "SPL-COSNE"
    assert competent_structure("secteur_local", "89024", hospitalier=True).code == "SPL-AUXERRE"
    assert competent_structure("amendes", "58194").code == "TM-NEVERS"
    assert competent_structure("impots", "06088").code == "SIP-NICE"
    assert competent_structure("impots", "75056") is None
