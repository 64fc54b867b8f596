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
