"""Lockout after repeated failures (django-axes, by user name and address): the page a locked-out user
sees, the state shown to administrators, and unlocking."""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone


def cooloff() -> datetime.timedelta:
    value = settings.AXES_COOLOFF_TIME
    if isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(hours=float(value or 0))


def cooloff_minutes() -> int:
    return max(1, round(cooloff().total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a translated page, 429, saying for how long and whom to ask."""
    context = {"minutes": cooloff_minutes(), "username": (credentials or {}).get("username") or ""}
    return render(request, "security/locked.html", context, status=429)


def state(username: str) -> dict:
    """Recent failed attempts of a user name (all addresses): how many, the last, whether locked."""
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=timezone.now() - cooloff())
    figures = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    limit = settings.AXES_FAILURE_LIMIT
    locked = recent.filter(failures_since_start__gte=limit).exists()
    return {"failures": figures["failures"] or 0, "last": figures["last"], "locked": locked, "limit": limit}


def unlock(username: str) -> int:
    """Forget every failed attempt of this user name (every address); the number of records removed."""
    return reset(username=username)
