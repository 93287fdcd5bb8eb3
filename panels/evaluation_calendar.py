"""Months since publication: the one rule that buckets payments into the evaluation's months.

Month 1 runs from the publication day (included) to the same day a month later (excluded), month 2
the next one, and so on; months 0, −1, … −11 are the 12 months before publication (the pre-period).
A day that does not exist in a shorter month falls on its last day (31 January + 1 month = 28 or
29 February), as calendar arithmetic usually does.
"""

from __future__ import annotations

import calendar
from datetime import date

PRE_PERIOD_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """``date(2027, 1, 31)`` + 1 → ``date(2027, 2, 28)``; negative ``months`` go back."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_since(publication: date, day: date) -> int:
    """Evaluation month of ``day``: 1 for the first month after publication, ≤ 0 before it."""
    k = (day.year - publication.year) * 12 + day.month - publication.month
    return k + 1 if day >= add_months(publication, k) else k


def complete_months(publication: date, as_of: date) -> int:
    """Months fully elapsed since publication on ``as_of`` (only complete months are evaluated)."""
    return max(0, month_since(publication, as_of) - 1)


def pre_period_start(publication: date) -> date:
    """First day of the 12 months before publication: the pre-period's due is taken on that day."""
    return add_months(publication, -PRE_PERIOD_MONTHS)


def first_payment_day(publication: date, payments: list[date]) -> int | None:
    """Days from publication to the first payment on or after it, None if there is none."""
    after = [d for d in payments if d >= publication]
    return (min(after) - publication).days if after else None
