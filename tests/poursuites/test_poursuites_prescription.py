from datetime import date

from poursuites.model import OffenceKind
from poursuites.prescription import add_years, prescription, prescription_date

from poursuites_fixtures import amende, impot, local


def test_impots_four_years_from_mise_en_recouvrement():
    c = impot(date_mise_en_recouvrement=date(2021, 7, 31))
    assert prescription_date(c) == date(2025, 7, 31)
    p = prescription(c)
    assert not p.interrupted and "L274" in p.explanation


def test_interrupting_act_restarts_the_delay():
    c = impot(date_mise_en_recouvrement=date(2021, 7, 31), last_interrupting_act=date(2023, 3, 10))
    assert prescription_date(c) == date(2027, 3, 10)
    assert prescription(c).interrupted


def test_act_before_the_start_does_not_count():
    c = impot(date_mise_en_recouvrement=date(2021, 7, 31), last_interrupting_act=date(2021, 1, 1))
    assert prescription_date(c) == date(2025, 7, 31)


def test_amendes_contravention_three_years_delit_six_years():
    assert prescription_date(amende(date_titre=date(2022, 5, 1))) == date(2025, 5, 1)
    assert prescription_date(amende(date_titre=date(2022, 5, 1), offence_kind=OffenceKind.DELIT)) == date(2028, 5, 1)


def test_local_four_years_from_prise_en_charge():
    c = local(date_prise_en_charge=date(2020, 2, 29))
    assert prescription_date(c) == date(2024, 2, 29)
    assert "L1617-5" in prescription(c).explanation


def test_29_february_into_a_common_year():
    assert add_years(date(2020, 2, 29), 3) == date(2023, 2, 28)
