from datetime import date

import pytest

from poursuites.calendrier import ajouter_jours_ouvrables, est_ouvrable, jours_feries, paques


def test_easter_dates():
    assert [paques(y) for y in (2024, 2025, 2026, 2027, 2038)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28), date(2038, 4, 25)]


def test_2026_public_holidays():
    assert sorted(jours_feries(2026)) == [
        date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 8), date(2026, 5, 14),
        date(2026, 5, 25), date(2026, 7, 14), date(2026, 8, 15), date(2026, 11, 1), date(2026, 11, 11),
        date(2026, 12, 25)]
    extra = jours_feries(2026, alsace_moselle=True) - jours_feries(2026)
    assert extra == {date(2026, 4, 3), date(2026, 12, 26)}  # Good Friday, Saint-Étienne


def test_saturday_is_a_working_day_sunday_is_not():
    assert est_ouvrable(date(2026, 5, 2)) and not est_ouvrable(date(2026, 5, 3))


def test_fifteen_working_days_across_the_may_holidays():
    # From Thursday 30 April 2026: 1 May (Fri) and 8 May (Fri) and 14 May (Ascension) are holidays.
    # 2 (1), 4-7 (5), 9 (6), 11-13 (9), 15-16 (11), 18-21 (15) → Thursday 21 May 2026.
    assert ajouter_jours_ouvrables(date(2026, 4, 30), 15) == date(2026, 5, 21)
    assert ajouter_jours_ouvrables(date(2026, 4, 30), 0) == date(2026, 4, 30)
    with pytest.raises(ValueError, match="positif"):
        ajouter_jours_ouvrables(date(2026, 4, 30), -1)
