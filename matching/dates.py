"""Birth dates as the sources type them: several formats, partial (00/00/1960) or impossible ones.

A parsed date is an integer ``YYYYMMDD`` where an unknown day or month is ``00`` (``19600000``
for "00/00/1960"), so that digits can be compared even when the date does not exist (31/02/1975
stays ``19750231``: a typing error close to the right date). ``0`` means no usable date at all.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from .text import fold, numbers_read, without_decimal_zero

_MONTHS = {
    "JANVIER": 1, "JANV": 1, "JAN": 1, "FEVRIER": 2, "FEVR": 2, "FEV": 2, "MARS": 3, "MAR": 3,
    "AVRIL": 4, "AVR": 4, "MAI": 5, "JUIN": 6, "JUILLET": 7, "JUIL": 7, "AOUT": 8, "AOU": 8,
    "SEPTEMBRE": 9, "SEPT": 9, "SEP": 9, "OCTOBRE": 10, "OCT": 10, "NOVEMBRE": 11, "NOV": 11,
    "DECEMBRE": 12, "DEC": 12,
    # English, as Oracle exports write a date by default (13-APR-81) and US software in full
    "FEB": 2, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8,
    "JANUARY": 1, "FEBRUARY": 2, "MARCH": 3, "APRIL": 4, "JUNE": 6, "JULY": 7, "AUGUST": 8,
    "SEPTEMBER": 9, "OCTOBER": 10, "NOVEMBER": 11, "DECEMBER": 12,
}
_NUMERIC = re.compile(r"^(\d{1,4})[/\-. ](\d{1,2})[/\-. ](\d{1,4})$")
#: a date followed by a time of day, separators folded: "1960 03 12T00 00 00", "12 03 1960 00 00"
_WITH_TIME = re.compile(
    r"^(\d{4} \d{1,2} \d{1,2}|\d{1,2} \d{1,2} \d{4})(?:T| T? ?)\d{1,2} \d{2}( \d{2})?( \d+)?( ?Z)?( [AP]M)?$")
_WORDS = re.compile(r"^(\d{1,2})(?:ER)? ?([A-Z]+) ?(\d{4}|\d{2})$")
_WORDS_MONTH_FIRST = re.compile(r"^([A-Z]+) (\d{1,2}) (\d{4})$")  # April 13, 1981
#: words written before the date itself: "né le 13/04/1981"
_LEAD = re.compile(r"^(?:NEE? )?(?:LE )?")
MIN_YEAR = 1880
YOUNGEST_DEBTOR_AGE = 10
#: dates that systems store for "unknown"
PLACEHOLDERS = frozenset({19000101, 18000101, 19010101, 18991231, 19700101})


def _year(text: str, pivot: int) -> int:
    y = int(text)
    if len(text) <= 2:
        y += 1900 if y > pivot else 2000
    return y


def _compose(y: int, m: int, d: int) -> int:
    if not (MIN_YEAR <= y <= date.today().year):
        return 0
    if m > 12 and d <= 12:  # month and day typed the other way round (US order)
        m, d = d, m
    if m > 12 or d > 31:
        return 0
    return y * 10000 + m * 100 + d


@lru_cache(maxsize=200_000)
def parse_birth_date(raw: str | date | None, fmt: str | None = None) -> int:
    """``YYYYMMDD`` (``00`` for an unknown part) of a date as typed, ``0`` when unusable.

    Accepted: ``JJ/MM/AAAA`` (also ``-`` ``.`` or space), ``AAAA-MM-JJ`` (with an optional
    time), ``JJMMAAAA``, ``AAAAMMJJ``, ``JJ/MM/AA``, ``12 mars 1960``, ``12-MAR-60`` (Oracle), ``12MAR1960`` (SAS),
    ``MM/AAAA``, ``AAAA``,
    ``00/00/1960``, a :class:`datetime.date`, or any ``strptime`` format given as ``fmt``.
    """
    if raw is None:
        return 0
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        value = raw.year * 10000 + raw.month * 100 + raw.day
        return 0 if value in PLACEHOLDERS else value
    stripped = raw.strip()
    if not stripped:
        return 0
    if fmt:
        try:
            d = datetime.strptime(stripped, fmt).date()
            return parse_birth_date(d)
        except ValueError:
            pass  # fall back to the usual formats (partial dates do not parse with strptime)
    # "8 DÉCEMBRE 1936" → "8 DECEMBRE 1936"; "1960-03-12" → "1960 03 12"
    text = numbers_read(_LEAD.sub("", fold(without_decimal_zero(stripped))))
    month_first = False  # a time in AM/PM is US software's, which puts the month first
    if m := _WITH_TIME.match(text):
        text, month_first = m.group(1), bool(m.group(5))
    # a two-digit year is of this century up to ten years ago: no debtor is under ten, while a
    # woman born in 1926 may well be one ("03/11/26")
    pivot = (date.today().year - YOUNGEST_DEBTOR_AGE) % 100
    value = 0
    if m := _NUMERIC.match(text):
        a, b, c = m.groups()
        if len(a) == 4:  # AAAA-MM-JJ
            value = _compose(int(a), int(b), int(c))
        elif month_first:  # MM/DD/YYYY 12:00:00 AM
            value = _compose(_year(c, pivot), int(a), int(b))
        else:  # JJ/MM/AAAA or JJ/MM/AA
            value = _compose(_year(c, pivot), int(b), int(a))
    elif text.isdigit() and len(text) == 8:
        year_first = MIN_YEAR <= int(text[:4]) <= date.today().year
        if year_first and int(text[4:6]) <= 12:
            value = _compose(int(text[:4]), int(text[4:6]), int(text[6:]))
        else:
            value = _compose(int(text[4:]), int(text[2:4]), int(text[:2]))
            if not value and year_first and 0 < int(text[6:]) <= 31:
                # AAAAMMJJ with a month above 12: day and month swapped (19461910) or a digit
                # mistyped (19931306 for 19931006); its digits kept, the comparison tells which
                value = int(text)
        if not value and _one_part_impossible(text):
            # AAAAMMJJ with one digit mistyped into an impossible year or day (29970828,
            # 19940763): its digits kept too, for a typo (one digit) to meet its twin
            value = int(text)
    elif text.isdigit() and len(text) == 7:
        value = _date_without_leading_zero(text)
    elif text.isdigit() and len(text) == 5:
        value = _spreadsheet_serial(text)
    elif text.isdigit() and len(text) == 6:
        value = _compose(_year(text[4:], pivot), int(text[2:4]), int(text[:2]))
    elif text.isdigit() and len(text) == 4:
        value = _compose(int(text), 0, 0)
    elif m := re.match(r"^(\d{1,2})[/\-. ](\d{4})$", text):
        value = _compose(int(m.group(2)), int(m.group(1)), 0)
    elif m := _WORDS.match(text.replace("1ER", "1")):
        month = _MONTHS.get(m.group(2), 0)
        value = _compose(_year(m.group(3), pivot), month, int(m.group(1))) if month else 0
    elif (m := _WORDS_MONTH_FIRST.match(text)) and (month := _MONTHS.get(m.group(1), 0)):
        value = _compose(int(m.group(3)), month, int(m.group(2)))
    if value % 10000 and value // 100 % 100 == 0:
        value = value // 10000 * 10000  # a day without a month is no information
    return 0 if value in PLACEHOLDERS else value


def _one_part_impossible(text: str) -> bool:
    """Eight digits read AAAAMMJJ whose year, month or day (one of them only) is impossible: a
    digit mistyped. Two or three impossible parts are no date (99999999 is a placeholder)."""
    y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
    wrong = (not MIN_YEAR <= y <= date.today().year) + (not 1 <= m <= 12) + (not 1 <= d <= 31)
    return wrong == 1


#: day 0 of a spreadsheet's serial dates (Excel, LibreOffice), right from March 1900 on
_SERIAL_EPOCH = date(1899, 12, 30)


def _date_without_leading_zero(text: str) -> int:
    """Seven digits: DDMMYYYY kept as a number by a spreadsheet, which drops the zero of a day
    under ten (``1031981`` = 01/03/1981). Read so because that is how such a value arises; nobody
    types DDMYYYY (21/2/1981 as ``2121981``) without separators."""
    return _compose(int(text[3:]), int(text[1:3]), int(text[:1]))


def _spreadsheet_serial(text: str) -> int:
    """A date a spreadsheet shows as its serial number (``29699`` = 23/04/1981), read only where
    it cannot be a DMMYY date that lost its leading zero (``10381``, 1 March 1981, or day 10381?):
    that is when its 2nd and 3rd digits are no month; else no date rather than a guess."""
    if text.startswith("0") or 1 <= int(text[1:3]) <= 12:
        return 0
    d = _SERIAL_EPOCH + timedelta(days=int(text))
    return _compose(d.year, d.month, d.day)


def is_complete(value: int) -> bool:
    """Year, month and day all known."""
    return value > 0 and value % 100 > 0 and value // 100 % 100 > 0


def is_valid(value: int) -> bool:
    """A complete date that exists in the calendar."""
    if not is_complete(value):
        return False
    try:
        date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return False
    return True


def to_date(value: int) -> date | None:
    """The :class:`datetime.date` of a complete valid value, else None."""
    return date(value // 10000, value // 100 % 100, value % 100) if is_valid(value) else None
