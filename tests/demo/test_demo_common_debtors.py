"""The demo's common debtors (issue 17): for each demo panel, a number growing with the population, living in
the panel's territory, owing its products (pure, no database)."""

from __future__ import annotations

from mrf.demo.panels import DEMO_PANELS, demo_common_debtors
from mrf.demo.structures import demo_structures


def test_each_panel_gets_common_debtors_in_its_territory_owing_its_products():
    groups = demo_common_debtors(2000)
    assert len(groups) == len(DEMO_PANELS)
    structures = {s.code: s for s in demo_structures()}
    for group, (name, _cfg, products, deps, codes, _descr) in zip(groups, DEMO_PANELS, strict=True):
        assert 100 <= group.persons <= 2000, name
        if codes:  # the SIPs' territories
            allowed = {c for code in codes for c in structures[code].communes}
        else:
            allowed = {c for s in structures.values() if s.departement in deps for c in s.communes}
        assert set(group.communes) <= allowed and group.communes, name
        letters = {"impots": "I", "amendes": "A", "hopital": "S"}
        assert all({letters[p] for p in products} <= set(combo) for combo in group.combos), name
        assert group.hospital == ("hopital" in products)
    assert [g.persons for g in demo_common_debtors(4000)] == [2 * g.persons for g in groups]
