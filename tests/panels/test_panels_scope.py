"""The rule « who is comptable of each créance now » (panels.scope)."""

from __future__ import annotations

import pytest

from panels.scope import CATEGORIES, Scope, ScopeGroup, categorie, comptable_now, in_scope


def test_category_of_a_creance_makes_hospital_debts_a_category_of_their_own():
    assert categorie("impots") == "impots"
    assert categorie("amendes") == "amendes"
    assert categorie("secteur_local") == "secteur_local"
    assert categorie("secteur_local", is_hospital=True) == "hopital"
    assert categorie("impots", is_hospital=True) == "impots"  # the flag only splits the secteur local
    with pytest.raises(ValueError, match="Produit inconnu"):
        categorie("douane")


@pytest.mark.parametrize(("configuration", "taken"), [
    (1, {"impots", "amendes"}), (2, {"amendes", "hopital"}), (3, {"impots", "amendes"}),
])
def test_treated_structure_takes_only_the_categories_of_its_configuration(configuration, taken):
    scope = Scope(ScopeGroup.PANEL, "p", configuration, "UNIQUE")
    for category in CATEGORIES:
        expected = "UNIQUE" if category in taken else "ORIGINE"
        assert comptable_now(scope, category, "ORIGINE") == expected, category
        assert in_scope(scope, category) is (category in taken)


def test_control_group_and_pending_assignment_keep_the_original_comptable():
    control = Scope(ScopeGroup.CONTROL, "p", 1)
    pending = Scope(ScopeGroup.PANEL, "p", 1, None)
    for category in CATEGORIES:
        assert comptable_now(control, category, "ORIGINE") == "ORIGINE"
        assert comptable_now(pending, category, "ORIGINE") == "ORIGINE"
        assert not in_scope(control, category)
    assert control.categories == ()


def test_assignment_outside_any_panel_covers_every_category_and_none_without_one():
    legacy = Scope(ScopeGroup.NONE, structure="SIP")
    assert all(comptable_now(legacy, c, "X") == "SIP" for c in CATEGORIES)
    assert all(comptable_now(Scope(), c, "X") == "X" for c in CATEGORIES)


def test_labels_say_the_group_plainly():
    assert Scope(ScopeGroup.PANEL, "mrf-c2", 2, "TM").label == "Traité (panel mrf-c2, configuration 2)"
    assert Scope(ScopeGroup.CONTROL, "mrf-c1", 1).label == "Témoin (panel mrf-c1) — circuit habituel"
    assert Scope().label == "Hors panel"
    assert Scope(ScopeGroup.PANEL, "p", 2, "TM").categories_label == "amendes et créances hospitalières"


def test_unknown_category_or_configuration_is_refused():
    with pytest.raises(ValueError, match="Catégorie"):
        comptable_now(Scope(), "douane", "X")
    with pytest.raises(ValueError, match="Configuration inconnue"):
        Scope(ScopeGroup.PANEL, "p", 7, "X")
