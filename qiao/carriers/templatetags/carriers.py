"""Carriers and residencies on an organisation's or a person's page, limited to what the reader may see.

{% load carriers %}{% carriers_of object as found %}
"""

from __future__ import annotations

from django import template
from django.db.models import Q

register = template.Library()

SHOWN = 10


@register.simple_tag(takes_context=True)
def carriers_of(context, obj) -> dict:
    """For an organisation: the carriers it operates and the residencies it is (or registered as);
    for a person: the teams they founded. Empty lists when there is nothing the reader may see."""
    from qiao.orgs.models import Organization

    from ..models import Carrier, Residency

    user = context.get("user") or getattr(context.get("request"), "user", None)
    found = {"carriers": [], "residencies": [], "more": 0}
    if obj is None or getattr(obj, "pk", None) is None or user is None or not user.is_authenticated:
        return found
    residencies = (
        Residency.objects.restrict(user)
        .filter(carrier__deleted_at__isnull=True)
        .select_related("carrier")
        .order_by("-entered_on", "-id")
    )
    if isinstance(obj, Organization):
        found["carriers"] = list(
            Carrier.objects.restrict(user).filter(operator=obj).select_related("unit").order_by("name")[:SHOWN]
        )
        residencies = residencies.filter(Q(organization=obj) | Q(milestones__organization=obj)).distinct()
    else:
        residencies = residencies.filter(founders=obj)
    rows = list(residencies[: SHOWN + 1])
    found["residencies"] = rows[:SHOWN]
    found["more"] = len(rows) > SHOWN
    return found
