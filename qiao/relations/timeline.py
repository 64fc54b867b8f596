"""A person's or an organisation's timeline: interactions, participations, matches, cases and changes
to the record, merged newest first, each source limited to what the viewer may see.

Paging reads at most `offset + size` rows of each source (one query each, whatever the history's
size), merges them by moment and keeps `size` events from `offset`: a fixed number of queries per
"load more".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qiao.core.days import user_zone
from qiao.core.models import ChangeRecord

from .models import Interaction

PAGE = 20
MAX_OFFSET = 2000  # "load more" stops here; the full lists have the rest


@dataclass
class Event:
    kind: str  # interaction, participation, match, case, change
    when: datetime.datetime
    title: str
    url: str = ""
    detail: str = ""
    badge: str = ""
    obj: object = None
    extra: dict = field(default_factory=dict)

    @property
    def day(self) -> datetime.date:
        return self.when.date()


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


def _at_noon(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)


def _sources(user, obj, limit: int, zone):
    """(kind, list of Events) for each source, each read with one bounded query."""
    from qiao.orgs.models import Organization

    is_org = isinstance(obj, Organization)
    interactions = Interaction.objects.restrict(user).select_related("unit").prefetch_related("staff")
    interactions = interactions.filter(organizations=obj) if is_org else interactions.filter(people=obj)
    for item in interactions.order_by("-occurred_at", "-id")[:limit]:
        yield Event(
            "interaction",
            item.occurred_at.astimezone(zone),
            item.get_kind_display(),
            _url(item),
            item.summary[:200],
            badge="text-bg-primary",
            obj=item,
            extra={"unit": item.unit, "staff": list(item.staff.all()), "follow_up": item.follow_up},
        )
    if not is_org:
        from qiao.activities.models import Participation

        participations = (
            Participation.objects.restrict(user)
            .filter(person=obj)
            .select_related("activity")
            .order_by("-date", "-id")[:limit]
        )
        for item in participations:
            yield Event(
                "participation",
                _at_noon(item.date, zone),
                str(item.activity),
                _url(item.activity),
                f"{item.get_role_display()} · {item.get_status_display()}",
                badge="text-bg-success",
                obj=item,
            )
    from qiao.matching.models import Match

    matches = Match.objects.restrict(user).select_related("demand", "person")
    matches = matches.filter(demand__organization=obj) if is_org else matches.filter(person=obj)
    for item in matches.order_by("-created", "-id")[:limit]:
        yield Event(
            "match",
            item.created.astimezone(zone),
            str(item.demand) if not is_org else str(item),
            _url(item),
            item.get_stage_display(),
            badge="text-bg-info",
            obj=item,
        )
    from qiao.ledger.models import Case

    cases = Case.objects.restrict(user)
    cases = cases.filter(organization=obj) if is_org else cases.filter(raised_by=obj)
    for item in cases.order_by("-raised_on", "-id")[:limit]:
        yield Event(
            "case",
            _at_noon(item.raised_on, zone),
            item.title,
            _url(item),
            item.get_status_display(),
            badge="text-bg-warning",
            obj=item,
        )
    content_type = ContentType.objects.get_for_model(type(obj))
    changes = ChangeRecord.objects.filter(content_type=content_type, object_id=obj.pk).order_by("-time", "-id")
    for item in changes[:limit]:
        fields = [name for name, _before, _after in item.changes()][:6] if item.before and item.after else []
        yield Event(
            "change",
            item.time.astimezone(zone),
            item.get_action_display(),
            "",
            ", ".join(fields),
            badge="text-bg-light border",
            obj=item,
            extra={"by": item.user_name},
        )


KIND_LABELS = {
    "interaction": lambda: pgettext("timeline", "Contact"),
    "participation": lambda: _("Activity"),
    "match": lambda: _("Match"),
    "case": lambda: _("Case"),
    "change": lambda: _("Change"),
}


def timeline(user, obj, *, offset: int = 0, size: int = PAGE) -> tuple[list[Event], bool]:
    """(events from `offset`, whether there are more) of `obj`'s timeline for `user`."""
    offset = max(0, min(int(offset), MAX_OFFSET))
    limit = offset + size + 1
    zone = user_zone(user)
    events = sorted(_sources(user, obj, limit, zone), key=lambda e: (e.when, e.kind), reverse=True)
    page = events[offset : offset + size]
    for event in page:
        event.extra.setdefault("label", KIND_LABELS[event.kind]())
    more = len(events) > offset + size and offset + size < MAX_OFFSET
    return page, more
