"""Dates in import files, as people and spreadsheet programs write them. Pure Python, no Django."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from typing import NamedTuple

from qiao.identity.documents import ascii_digits

from .errors import ValueProblem


class DateValue(NamedTuple):
    value: datetime.date
    precision: str = "day"  # "day", "month" (1990年5月 → 1990-05-01) or "year" (1990 → 1990-01-01)

    @property
    def partial(self) -> bool:
        return self.precision != "day"


_EXCEL_LAST_SERIAL = 2958465  # 9999-12-31
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # an optional time of day ("T" is lower-cased by then)
_YMD = re.compile(rf"(\d{{4}})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*[日号]?{_TIME}")
_DMY = re.compile(rf"(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*(\d{{4}}){_TIME}")
_YM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_Y = re.compile(r"(\d{4})\s*年")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_MONTHS = {
    m: i
    for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}
_D_MON_Y = re.compile(r"(\d{1,2})[-\s/.]*([a-z]{3,9})\.?[-\s/.,]*(\d{4})")
_MON_D_Y = re.compile(r"([a-z]{3,9})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})")


def _bad_format(raw) -> ValueProblem:
    return ValueProblem("date_format", f"{raw!r} is not a date: write it as 1990-05-04.")


def _make(raw, year: int, month: int, day: int, precision: str, today: datetime.date) -> DateValue:
    try:
        value = datetime.date(year, month, day)
    except (ValueError, OverflowError):
        raise _bad_format(raw) from None
    if value < datetime.date(1900, 1, 1) or value > today:
        raise ValueProblem("date_range", f"{value.isoformat()} is before 1900 or in the future.")
    return DateValue(value, precision)


def _from_number(raw, number: float, today: datetime.date) -> DateValue:
    """A number: 19900504 (yyyymmdd), 199005 (yyyymm), 1990 (a year) or an Excel serial."""
    if not math.isfinite(number) or number < 1:
        raise _bad_format(raw)
    whole = int(number)
    if number == whole and 19000101 <= whole <= 29991231:
        return _make(raw, whole // 10000, whole // 100 % 100, whole % 100, "day", today)
    if number == whole and 190001 <= whole <= 299912:
        return _make(raw, whole // 100, whole % 100, 1, "month", today)
    if number == whole and 1900 <= whole <= 2100:  # as a serial, a day in 1905: surely a year
        return _make(raw, whole, 1, 1, "year", today)
    if whole > _EXCEL_LAST_SERIAL or whole == 60:  # 60 is 1900-02-29, which Excel invents
        raise _bad_format(raw)
    # Excel counts 1900-01-01 as 1 and wrongly has a 1900-02-29, so from 61 on the epoch is 1899-12-30.
    epoch = datetime.date(1899, 12, 31) if whole < 60 else datetime.date(1899, 12, 30)
    value = epoch + datetime.timedelta(days=whole)
    return _make(raw, value.year, value.month, value.day, "day", today)


def _day_month(first: int, second: int, dayfirst: bool) -> tuple[int, int]:
    """(day, month) of "first/second/year": day first when first > 12 or when asked, else month first."""
    if first > 12 or (dayfirst and second <= 12):
        return first, second
    return second, first


def date(cell, *, dayfirst: bool = False, today: datetime.date | None = None) -> DateValue | None:
    """A date cell as DateValue, None when empty; ValueProblem "date_format" or "date_range".

    Reads date and datetime cells, Excel serial numbers, 1990-05-04, 1990/5/4, 1990.5.4,
    1990年5月4日, 19900504, 04-May-1990, May 4, 1990, and 04/05/1990 (month first by default,
    as Excel in English does; day first when the first part is over 12 or with `dayfirst=True`,
    as Hong Kong and Macao write it: see `infer_dayfirst`). 1990年5月, 1990-05 and 199005 give
    the first of the month, 1990 and 1990年 the first of the year, with `partial` set. Dates
    before 1900 or after today are out of range.
    """
    today = today or datetime.date.today()
    if cell is None:
        return None
    if isinstance(cell, datetime.datetime):
        return _make(cell, cell.year, cell.month, cell.day, "day", today)
    if isinstance(cell, datetime.date):
        return _make(cell, cell.year, cell.month, cell.day, "day", today)
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise _bad_format(cell)
    if isinstance(cell, int | float):
        return _from_number(cell, float(cell), today)
    raw = cell
    value = ascii_digits(unicodedata.normalize("NFKC", cell)).strip().lower()
    if not value:
        return None
    if _DIGITS.fullmatch(value):
        try:
            return _from_number(raw, float(value), today)
        except OverflowError:
            raise _bad_format(raw) from None
    if match := _YMD.fullmatch(value):
        year, month, day = map(int, match.groups())
        return _make(raw, year, month, day, "day", today)
    if match := _DMY.fullmatch(value):
        first, second, year = map(int, match.groups())
        day, month = _day_month(first, second, dayfirst)
        return _make(raw, year, month, day, "day", today)
    if match := _YM.fullmatch(value):
        return _make(raw, int(match[1]), int(match[2]), 1, "month", today)
    if match := _Y.fullmatch(value):
        return _make(raw, int(match[1]), 1, 1, "year", today)
    for pattern, order in ((_D_MON_Y, (0, 1, 2)), (_MON_D_Y, (1, 0, 2))):
        if match := pattern.fullmatch(value):
            day, name, year = (match.groups()[i] for i in order)
            month = _MONTHS.get(name[:3]) if name.startswith(tuple(_MONTHS)) else None
            if month is not None:
                return _make(raw, int(year), month, int(day), "day", today)
    raise _bad_format(raw)


def infer_dayfirst(cells) -> bool | None:
    """Whether a column writes dd/mm/yyyy (True) or mm/dd/yyyy (False), from the values where
    one part is over 12; None when no value tells, or when they disagree."""
    votes = set()
    for cell in cells:
        if isinstance(cell, str) and (match := _DMY.fullmatch(unicodedata.normalize("NFKC", cell).strip())):
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                votes.add(True)
            elif second > 12 >= first:
                votes.add(False)
    return votes.pop() if len(votes) == 1 else None
