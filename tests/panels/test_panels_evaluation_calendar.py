"""Months since publication, by hand, including the ends of months."""

from datetime import date

import pytest

from panels.evaluation_calendar import add_months, complete_months, first_payment_day, month_since, pre_period_start

PUB = date(2027, 1, 31)


def test_add_months_clamps_to_the_last_day():
    assert add_months(PUB, 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(PUB, 2) == date(2027, 3, 31)
    assert add_months(PUB, -12) == date(2026, 1, 31) and add_months(date(2027, 3, 15), -3) == date(2026, 12, 15)


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (date(2027, 1, 31), 1),  # publication day opens month 1
        (date(2027, 2, 27), 1),
        (date(2027, 2, 28), 2),  # 31 January + 1 month
        (date(2027, 3, 30), 2),
        (date(2027, 3, 31), 3),
        (date(2028, 1, 30), 12),
        (date(2028, 1, 31), 13),
        (date(2027, 1, 30), 0),  # the day before: last month of the pre-period
        (date(2026, 12, 31), 0),
        (date(2026, 12, 30), -1),
        (date(2026, 1, 31), -11),  # first day of the pre-period
        (date(2026, 1, 30), -12),  # outside it
    ],
)
def test_month_since_publication(day, month):
    assert month_since(PUB, day) == month


def test_complete_months_and_pre_period():
    assert complete_months(PUB, PUB) == 0 and complete_months(PUB, date(2026, 5, 1)) == 0
    assert complete_months(PUB, date(2027, 2, 27)) == 0 and complete_months(PUB, date(2027, 2, 28)) == 1
    assert complete_months(PUB, date(2028, 1, 31)) == 12
    assert pre_period_start(PUB) == date(2026, 1, 31) and month_since(PUB, pre_period_start(PUB)) == -11


def test_first_payment_day():
    assert first_payment_day(PUB, [date(2027, 3, 1), date(2026, 12, 1), date(2027, 2, 10)]) == 10
    assert first_payment_day(PUB, [date(2026, 12, 1)]) is None and first_payment_day(PUB, []) is None
