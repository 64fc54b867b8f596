"""The person page's cards of this app: the person's public roles and the proposals by them that the
reader may see.

{% load proposals_person %}{% person_proposals object as proposals_card %}
"""

from __future__ import annotations

from django import template

from qiao.core import scoping
from qiao.core.days import local_today

from ..models import Proposal, PublicRole
from ..services import current

register = template.Library()

SHOWN = 10  # proposals listed on the card; the rest are behind the link to the filtered list


@register.simple_tag(takes_context=True)
def person_proposals(context, person) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or person is None or not getattr(person, "pk", None):
        return {"roles": [], "proposals": [], "total": 0}
    from qiao.people.models import Person

    roles = list(PublicRole.objects.restrict(user).filter(person=person).order_by("-starts_on", "id"))
    held = set(current(PublicRole.objects.filter(person=person), local_today(user)).values_list("pk", flat=True))
    for role in roles:
        role.held_now = role.pk in held
    proposals = Proposal.objects.restrict(user).filter(authors=person).order_by("-submitted_on", "-id")
    shown = list(proposals[:SHOWN])
    total = len(shown) if len(shown) < SHOWN else proposals.count()
    live = not person.is_deleted
    can_change = live and Person.objects.restrict(user, "change").filter(pk=person.pk).exists()
    return {
        "roles": roles,
        "proposals": shown,
        "total": total,
        "can_change": can_change,
        "can_add_proposal": live and scoping.has_any(user, "add"),
    }
