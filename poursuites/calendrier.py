"""Working days (jours ouvrables): every day except Sundays and French public holidays.

Public holidays come from ``data/jours_feries.toml`` (code du travail L3133-1): fixed dates and days
at an offset from Easter Sunday, computed with the Meeus/Jones/Butcher Gregorian algorithm (no
dependency needed for one formula). Alsace-Moselle adds Good Friday and 26 December.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from .legal import load


def paques(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian calendar, anonymous algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _days(section: dict, year: int) -> set[date]:
    out = {date(year, int(md[:2]), int(md[3:])) for md in section["fixes"]}
    easter = paques(year)
    out.update(easter + timedelta(days=n) for n in section["mobiles_apres_paques"])
    return out


@cache
def jours_feries(year: int, alsace_moselle: bool = False) -> frozenset[date]:
    data = load("jours_feries")
    days = _days(data, year)
    if alsace_moselle:
        days |= _days(data["alsace_moselle"], year)
    return frozenset(days)


def est_ouvrable(day: date, alsace_moselle: bool = False) -> bool:
    return day.weekday() != 6 and day not in jours_feries(day.year, alsace_moselle)


def ajouter_jours_ouvrables(start: date, n: int, alsace_moselle: bool = False) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted)."""
    if n < 0:
        raise ValueError("Le nombre de jours ouvrables doit être positif ou nul.")
    day = start
    while n:
        day += timedelta(days=1)
        if est_ouvrable(day, alsace_moselle):
            n -= 1
    return day
