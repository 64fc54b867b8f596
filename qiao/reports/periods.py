"""Periods the offices count over: this year so far (今年以来), a month, a quarter, a year, a custom
range, and a running total since a date (累计); and the two comparisons every bulletin makes: the
same period last year (同比) and the period before (环比)."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core.days import FLOOR

KINDS = {
    "ytd": gettext_lazy("This year so far"),
    "month": gettext_lazy("A month"),
    "quarter": gettext_lazy("A quarter"),
    "year": gettext_lazy("A year"),
    "range": gettext_lazy("From … to …"),
    "since": gettext_lazy("Running total since a date"),
}
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    kind: str = "range"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before (环比): the month, quarter or year before; else as many days just before."""
        if self.kind == "month":
            end = self.start - datetime.timedelta(days=1)
            return Period(end.replace(day=1), end, "month")
        if self.kind == "quarter":
            end = self.start - datetime.timedelta(days=1)
            return Period(_add_months(self.start, -3), end, "quarter")
        if self.kind == "year":
            return Period(self.start.replace(year=self.start.year - 1), self.start - datetime.timedelta(days=1), "year")
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end, "range")

    def last_year(self) -> Period:
        """The same days one year earlier (同比); 29 February becomes the 28th."""
        return Period(_year_before(self.start), _year_before(self.end), self.kind)

    def as_params(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def label(self) -> str:
        """How a bulletin names it, in the active language: 今年以来, 2026年5月, 2026年第二季度 …"""
        from django.utils.translation import get_language

        english = (get_language() or "").startswith("en")
        if self.kind == "ytd":
            return _("so far this year") if english else "今年以来"
        if self.kind == "month":
            return self.start.strftime("%B %Y") if english else f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            number = (self.start.month - 1) // 3 + 1
            return f"Q{number} {self.start.year}" if english else f"{self.start.year}年第{QUARTER_NAMES[number]}季度"
        if self.kind == "year":
            return str(self.start.year) if english else f"{self.start.year}年"
        if self.kind == "since":
            return f"since {self.start.isoformat()}" if english else f"{_cn_date(self.start)}以来累计"
        if english:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        return f"{_cn_date(self.start)}至{_cn_date(self.end)}"


def _cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _year_before(day: datetime.date) -> datetime.date:
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month(year: int, number: int) -> Period:
    last = calendar.monthrange(year, number)[1]
    return Period(datetime.date(year, number, 1), datetime.date(year, number, last), "month")


def quarter(year: int, number: int) -> Period:
    first = datetime.date(year, 3 * number - 2, 1)
    return Period(first, _add_months(first, 3) - datetime.timedelta(days=1), "quarter")


def year(number: int) -> Period:
    return Period(datetime.date(number, 1, 1), datetime.date(number, 12, 31), "year")


def ytd(today: datetime.date) -> Period:
    return Period(datetime.date(today.year, 1, 1), today, "ytd")


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _date(value, field: str, label: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(
            field,
            _("%(field)s: “%(value)s” is not a date (write it as 2026-05-31).") % {"field": label, "value": value},
        ) from None


def check(period: Period, today: datetime.date, field: str = "from") -> Period:
    """Refuse a period that is inverted, starts before 1980, starts after today, or ends after next year."""
    if period.start > period.end:
        raise _error(
            field,
            _("The period starts (%(start)s) after it ends (%(end)s).")
            % {"start": period.start.isoformat(), "end": period.end.isoformat()},
        )
    if period.start < FLOOR:
        raise _error(
            field, _("The period starts on %(date)s, before 1980: check the year.") % {"date": period.start.isoformat()}
        )
    if period.start > today:
        raise _error(
            field,
            _("The period starts on %(date)s, after today (%(today)s): nothing is recorded yet.")
            % {"date": period.start.isoformat(), "today": today.isoformat()},
        )
    if period.end.year > today.year + 1:  # (and the period before it would start before year 1)
        raise _error(
            "to" if field == "from" else field,
            _("The period ends on %(date)s, after next year: check the year.") % {"date": period.end.isoformat()},
        )
    return period


def _calendar(field: str, make, *args) -> Period:
    """make(*args), or a message naming `field` for a year the calendar does not have (0, 10000)."""
    try:
        return make(*args)
    except (ValueError, OverflowError):
        raise _error(field, _("%(field)s: check the year.") % {"field": field}) from None


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def parse(params: Mapping, today: datetime.date) -> Period:
    """The period asked for by request or command parameters, checked:
    - `period=ytd` (the default when nothing is given): 1 January to today;
    - `period=month&month=2026-05`, `period=quarter&quarter=2026Q2`, `period=year&year=2025`;
    - `period=since&from=2019-01-01` (累计: to today, or to `to`);
    - `from=…&to=…` (with or without `period=range`).
    A value given without `period` (`month=2026-05`) chooses its kind."""
    kind = (params.get("period") or "").strip()
    if not kind:
        for key in ("month", "quarter", "year"):
            if params.get(key):
                kind = key
                break
        else:
            kind = "range" if params.get("from") or params.get("to") else "ytd"
    if kind not in KINDS:
        raise _error(
            "period", _("period: “%(value)s” is not one of %(choices)s.") % {"value": kind, "choices": ", ".join(KINDS)}
        )
    if kind == "ytd":
        return check(ytd(today), today, "period")
    if kind == "month":
        found = _MONTH.match(str(params.get("month") or today.strftime("%Y-%m")).strip())
        if not found or not 1 <= int(found[2]) <= 12:
            raise _error("month", _("month: write it as 2026-05."))
        return check(_calendar("month", month, int(found[1]), int(found[2])), today, "month")
    if kind == "quarter":
        found = _QUARTER.match(str(params.get("quarter") or "").strip())
        if not found:
            raise _error("quarter", _("quarter: write it as 2026Q2."))
        return check(_calendar("quarter", quarter, int(found[1]), int(found[2])), today, "quarter")
    if kind == "year":
        value = str(params.get("year") or today.year).strip()
        if not value.isdigit() or not 1000 <= int(value) <= 9999:
            raise _error("year", _("year: write it as 2026."))
        return check(year(int(value)), today, "year")
    if not params.get("from"):
        raise _error("from", _("from: give the first day of the period."))
    start = _date(params["from"], "from", _("from"))
    end = _date(params["to"], "to", _("to")) if params.get("to") else today
    if kind == "range" and not params.get("to"):
        raise _error("to", _("to: give the last day of the period."))
    return check(Period(start, end, kind), today, "from")
