"""Whose today is it: dates (due dates, stage dates, "not in the future") are read in each user's local
day, in the time zone they chose (User.time_zone), or the server's (settings.TIME_ZONE) when they chose
none or when there is no user."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone


def zone(name: str) -> ZoneInfo:
    """The time zone called `name`; the server's for an empty or unknown name."""
    return _zone(name or settings.TIME_ZONE) or _zone(settings.TIME_ZONE)


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def user_zone(user) -> ZoneInfo:
    return zone(getattr(user, "time_zone", "") or "")


def local_today(user=None, now: datetime | None = None) -> date:
    """The date it is for `user` (None: the server) at `now` (default: this instant)."""
    return (now or timezone.now()).astimezone(user_zone(user)).date()


FLOOR = date(1980, 1, 1)  # nothing the offices record is dated before this: an earlier date is a typo


def check_day(user, value, field: str, label: str, *, future: bool = False) -> date:
    """`value` as a date, refused (a ValidationError naming `field`, worded with `label`) when it is not
    a date, before 1980, or, unless `future`, after the user's local today."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise ValidationError({field: _("%(field)s: enter a date.") % {"field": label}})
    if value < FLOOR:
        raise ValidationError(
            {field: _("%(field)s: %(date)s is before 1980; check the year.") % {"field": label, "date": value}}
        )
    today = local_today(user)
    if not future and value > today:
        raise ValidationError(
            {
                field: _("%(field)s: %(date)s is in the future (today is %(today)s).")
                % {"field": label, "date": value.isoformat(), "today": today.isoformat()}
            }  # fmt: skip
        )
    return value
