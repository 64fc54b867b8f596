"""Whose today is it: due dates are compared with each person's local day, in the time zone they chose
(User.time_zone), or the server's (settings.TIME_ZONE) when they chose none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from qiao.core.days import local_today, user_zone, zone

__all__ = ["Days", "local_today", "soon_days", "user_zone", "zone", "zone_names"]


def soon_days() -> int:
    """How many days after today still count as "due soon" (today itself always does)."""
    return max(int(settings.QIAO_REMINDER_SOON_DAYS), 0)


def zone_names() -> list[str]:
    """Every time zone a user can have: the choices, the server's, and "" (none chosen)."""
    from qiao.core.models import TIME_ZONES

    return sorted({"", settings.TIME_ZONE, *(name for name, _label in TIME_ZONES)})


@dataclass(frozen=True)
class Days:
    """Every time zone's local today at one instant, and SQL that gives a user's from their time_zone column."""

    server: date
    today: dict[str, date]

    @classmethod
    def at(cls, now: datetime) -> Days:
        return cls(
            server=now.astimezone(zone("")).date(),
            today={name: now.astimezone(zone(name)).date() for name in zone_names()},
        )

    def of(self, time_zone: str) -> date:
        return self.today.get(time_zone or "", self.server)

    @property
    def earliest(self) -> date:
        return min(self.today.values())

    @property
    def latest(self) -> date:
        return max(self.today.values())

    def sql(self, column: str, shift: int = 0) -> tuple[str, list]:
        """(SQL, params) for the local today (plus `shift` days) of the user whose time zone is in `column`.
        Zones whose date is the server's need no branch: they are the ELSE, with empty and unknown names."""
        groups: dict[date, list[str]] = {}
        for name, day in self.today.items():
            if day != self.server:
                groups.setdefault(day, []).append(name)
        server = self.server + timedelta(days=shift)
        if not groups:
            return "%s", [server]
        branches, params = [], []
        for day, names in sorted(groups.items()):
            branches.append(f"WHEN {column} IN ({', '.join(['%s'] * len(names))}) THEN %s")
            params += [*sorted(names), day + timedelta(days=shift)]
        return f"(CASE {' '.join(branches)} ELSE %s END)", [*params, server]
