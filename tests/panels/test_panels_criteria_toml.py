"""Criteria exported as TOML read back as the same criteria."""

from datetime import date

import pytest

from panels import criteria_from_mapping, criteria_to_toml, parse_criteria

FULL = {
    "name": "nevers-2027",
    "description": 'Amendes et hôpital, « Nevers » \\ "test"',
    "configuration": 2,
    "products": ["hopital", "amendes"],
    "departements": ["58"],
    "communes": ["58194", "58086"],
    "min_total_cents": 5_000,
    "max_total_cents": 900_000,
    "min_per_product_cents": {"amendes": 1_000, "hopital": 500},
    "min_oldest_debt_days": 30,
    "max_oldest_debt_days": 3_000,
    "exclude_contested": False,
    "exclude_prescription_within_days": 60,
    "max_members_per_structure": 250,
    "control_share": 0.35,
    "seed": 2**62,
    "amount_bands_cents": [10_000, 100_000],
    "reference_date": date(2027, 1, 15),
}


@pytest.mark.parametrize("data", [
    FULL,
    {"name": "court", "configuration": 1, "departements": ["89"], "control_share": 0.5, "seed": 0},
])
def test_round_trip(data):
    criteria = criteria_from_mapping(data)
    text = criteria_to_toml(criteria)
    assert parse_criteria(text) == criteria
    assert parse_criteria(text).digest() == criteria.digest()


def test_defaults_are_not_written():
    text = criteria_to_toml(criteria_from_mapping(
        {"name": "court", "configuration": 1, "departements": ["89"], "control_share": 0.5, "seed": 3}))
    assert "exclude_" not in text and "amount_bands_cents" not in text and "min_total_cents" not in text
    assert 'products = ["amendes", "impots"]' in text
