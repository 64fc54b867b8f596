"""The work done with an organisation or a person, for their pages: projects (as investor, as referrer,
as a related person), cases (about it, raised by them) and service records, each limited to what the
reader may see, the first few only, with a link to the full list filtered the same way.

{% load related_work %}
{% related_work object as panels %}{% include "core/_related_work.html" %}
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

SHOWN = 5  # rows per panel; the rest are behind the link


@dataclass
class Panel:
    key: str
    title: str
    kind: str  # project, case or service: how a row is shown
    rows: list
    total: int
    url: str  # the full list, filtered the same way ("" when that list has no such filter)


def _list_url(url_name: str, filterset_class, name: str, pk: int) -> str:
    if name not in filterset_class.base_filters:
        return ""
    try:
        return f"{reverse(url_name)}?{name}={pk}"
    except NoReverseMatch:
        return ""


def _panel(key, title, kind, queryset, url) -> Panel:
    rows = list(queryset[: SHOWN + 1])
    total = len(rows) if len(rows) <= SHOWN else queryset.order_by().count()
    return Panel(key, title, kind, rows[:SHOWN], total, url)


def _panels(obj, user) -> list[Panel]:
    from qiao.ledger.filtersets import CaseFilterSet, ServiceRecordFilterSet
    from qiao.ledger.models import Case, ServiceRecord
    from qiao.orgs.models import Organization
    from qiao.projects.filtersets import ProjectFilterSet
    from qiao.projects.models import Project

    projects = Project.objects.restrict(user, "view").select_related("unit").order_by("-stage_on", "-id")
    cases = Case.objects.restrict(user, "view").select_related("owner").order_by("-raised_on", "-id")
    services = ServiceRecord.objects.restrict(user, "view").select_related("kind", "unit").order_by("-on", "-id")

    def project_panel(key, title, name):
        url = _list_url("projects:project_list", ProjectFilterSet, name, obj.pk)
        return _panel(key, title, "project", projects.filter(**{"people" if name == "person" else name: obj}), url)

    def case_panel(key, title, name, field):
        return _panel(
            key, title, "case", cases.filter(**{field: obj}), _list_url("ledger:case_list", CaseFilterSet, name, obj.pk)
        )

    def service_panel(key, title, name):
        url = _list_url("ledger:service_list", ServiceRecordFilterSet, name, obj.pk)
        return _panel(key, title, "service", services.filter(**{name: obj}), url)

    if isinstance(obj, Organization):
        return [
            project_panel("projects-invested", _("Projects it invests in"), "investor"),
            project_panel("projects-referred", _("Projects it referred"), "referral_organization"),
            case_panel("cases", _("Cases"), "organization", "organization"),
            service_panel("services", _("Services received"), "organization"),
        ]
    return [
        project_panel("projects-related", _("Projects"), "person"),
        project_panel("projects-referred", _("Projects referred"), "referral_person"),
        case_panel("cases-raised", _("Cases raised"), "raised_by", "raised_by"),
        service_panel("services", _("Services received"), "person"),
    ]


@register.simple_tag(takes_context=True)
def related_work(context, obj) -> list[Panel]:
    """The non-empty panels of projects, cases and services of an organisation or a person."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if obj is None or user is None or not user.is_authenticated:
        return []
    return [panel for panel in _panels(obj, user) if panel.total]
