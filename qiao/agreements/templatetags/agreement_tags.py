"""The agreements of an organisation and its sister institutions, for the organisation's page.

{% load agreement_tags %}
{% organization_agreements object as panel %}
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from qiao.core import scoping
from qiao.core.days import local_today

from .. import services
from ..models import Agreement, AgreementStatus
from ..tables import STATUS_BADGES

register = template.Library()

SHOWN = 10  # agreements listed; the rest are behind the link to the filtered list


@register.simple_tag(takes_context=True)
def organization_agreements(context, organization) -> dict:
    """{rows, total, list_url, add_url, sisters} for `organization`, as far as the reader may see."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if organization is None or getattr(organization, "pk", None) is None or user is None:
        return {"rows": [], "total": 0, "sisters": [], "list_url": "", "add_url": ""}
    today = local_today(user)
    visible = Agreement.objects.restrict(user).filter(
        pk__in=Agreement.objects.filter(parties__organization=organization).values("pk")
    )
    rows = list(services.with_status(visible, today).select_related("unit").order_by("-signed_on", "-id")[: SHOWN + 1])
    total = len(rows) if len(rows) <= SHOWN else visible.order_by().count()
    for row in rows:
        row.status_label = AgreementStatus(row.status).label
        row.status_badge = STATUS_BADGES.get(row.status, "")
    base = reverse("agreements:agreement_list")
    can_add = scoping.has_any(user, "add")
    return {
        "rows": rows[:SHOWN],
        "total": total,
        "list_url": f"{base}?organization={organization.pk}",
        "add_url": f"{reverse('agreements:agreement_add')}?organization={organization.pk}" if can_add else "",
        "sisters": list(services.sister_institutions(user, organization)),
    }
