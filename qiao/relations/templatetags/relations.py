"""What the relations app adds to other pages: the key-contact status on a person's or an
organisation's page, and the user's key contacts and follow-ups on the home page. Each a few bounded,
restricted queries.

{% load relations %}
{% key_contact_status object as kc %}   (person.html / organization.html)
{% relations_home as rel %}             (home.html)
"""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from qiao.core import scoping
from qiao.core.days import local_today
from qiao.ledger.services import managed_units

from .. import services
from ..models import KeyContact

register = template.Library()

LIMIT = 10


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def key_contact_status(context, obj) -> dict:
    from qiao.orgs.models import Organization

    user = _user(context)
    if user is None or not user.is_authenticated or obj is None or getattr(obj, "pk", None) is None:
        return {}
    is_org = isinstance(obj, Organization)
    party = "organization" if is_org else "person"
    today = local_today(user)
    rows = list(
        KeyContact.objects.restrict(user)
        .filter(ended_on__isnull=True, **{party: obj})
        .select_related("unit", "responsible")
        .order_by("unit__path", "kind")[:20]
    )
    for row in rows:
        row.overdue = row.due_on < today
    may_add = scoping.has_any(user, "add") and not getattr(obj, "is_deleted", False)
    add = reverse("relations:key_contact_add")
    return {
        "rows": rows,
        "today": today,
        "party": party,
        "is_org": is_org,
        "can_mark": may_add,
        "mark_url": f"{add}?{party}={obj.pk}",
        "liaison_url": f"{add}?{party}={obj.pk}&kind=liaison" if is_org else "",
        "log_url": f"{reverse('relations:interaction_add')}?{party}={obj.pk}",
        "list_url": f"{reverse('relations:interaction_list')}?{party}={obj.pk}",
        "timeline_url": reverse("relations:timeline", args=[party, obj.pk]),
    }


@register.simple_tag(takes_context=True)
def relations_home(context) -> dict:
    from qiao.notifications.days import soon_days

    user = _user(context)
    if user is None or not user.is_authenticated:
        return {}
    today = local_today(user)
    until = today + timedelta(days=soon_days())
    mine = list(
        KeyContact.objects.restrict(user)
        .filter(responsible=user, ended_on__isnull=True, due_on__lte=until)
        .select_related("person", "organization", "unit")
        .order_by("due_on", "id")[: LIMIT + 1]
    )
    for row in mine:
        row.overdue = row.due_on < today
    follow_ups = list(
        services.follow_ups_due(user, until, first=LIMIT + 1)
        .prefetch_related("people", "organizations")
        .order_by("follow_up_on", "id")[: LIMIT + 1]
    )
    for row in follow_ups:
        row.overdue = row.follow_up_on < today
    units = managed_units(user)  # the topmost units the user manages, as the ledger counts them
    managed = []
    if units:
        names = {unit.pk: f"unit_{unit.pk}" for unit in units}
        counts = KeyContact.objects.filter(services.overdue_q(today)).aggregate(
            **{names[u.pk]: Count("pk", filter=Q(unit__path__startswith=u.path)) for u in units}
        )
        base = reverse("relations:key_contact_list")
        managed = [{"unit": u, "count": counts[names[u.pk]], "url": f"{base}?overdue=1&unit={u.pk}"} for u in units]
    return {
        "today": today,
        "until": until,
        "key_contacts": mine[:LIMIT],
        "more_key_contacts": len(mine) > LIMIT,
        "follow_ups": follow_ups[:LIMIT],
        "more_follow_ups": len(follow_ups) > LIMIT,
        "managed": managed,
        "mine_url": f"{reverse('relations:key_contact_list')}?responsible=mine&overdue=1",
        "follow_ups_url": f"{reverse('relations:interaction_list')}?mine=1&follow_up_due=1",
        "show": bool(mine or follow_ups or managed),
    }
