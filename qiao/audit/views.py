"""The access log (访问日志): who viewed, revealed, exported, merged or erased personal data.

Administrators only. An administrator sees the events of users who are members of a unit in their
subtree and the events about records of their subtree (a person owned there, or an event naming a
unit there); a superuser sees everything. Filterable by user, action, person and dates, paged, and
exported as CSV (the export is itself logged as ``qiao.export``). The page runs a fixed number of
queries whatever the page size: the events, then the people and units they name, each in one query.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import exporters, scoping, search
from qiao.core.forms import BootstrapMixin
from qiao.core.models import ActionLog, Membership, Unit
from qiao.core.sensitive import FIELDS, REVEALED, VIEWED
from qiao.people.models import Person

PER_PAGE = 50
BATCH = 500
EXPORT_LIMIT = 100_000
PRIVACY_PREFIX = "qiao.privacy."
EXPORTED = "qiao.export"
MERGED = "qiao.person.merged"

ACTIONS = {
    VIEWED: gettext_lazy("Viewed a person's details"),
    REVEALED: gettext_lazy("Showed hidden details in full"),
    EXPORTED: gettext_lazy("Exported a list"),
    MERGED: gettext_lazy("Merged two people"),
}
FIELD_LABELS = {
    "documents": gettext_lazy("identity documents"),
    "phones": gettext_lazy("phones"),
    "emails": gettext_lazy("e-mails"),
    "birth_date": gettext_lazy("date of birth"),
}


class AccessLogFilterForm(BootstrapMixin, forms.Form):
    user = forms.CharField(label=gettext_lazy("user"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=gettext_lazy("action"),
        required=False,
        choices=[
            ("", gettext_lazy("all")),
            *ACTIONS.items(),
            (PRIVACY_PREFIX, gettext_lazy("Consent and erasure")),
        ],
    )
    person = forms.CharField(
        label=gettext_lazy("person"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("The person's number (as in the address of their page) or a name."),
    )
    date_from = forms.DateField(
        label=gettext_lazy("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def access_events():
    """Every event the access log lists."""
    return ActionLog.objects.filter(Q(action__in=list(ACTIONS)) | Q(action__startswith=PRIVACY_PREFIX))


def visible_to(events, user):
    """The events an administrator may read: by members of their units, or about their units' records."""
    ids = scoping.unit_ids(user, "manage")
    if ids is scoping.ALL:
        return events
    ids = sorted(ids)
    members = Membership.objects.filter(unit_id__in=ids).values("user_id")
    people = Person.all_objects.filter(unit_id__in=ids).values("pk")
    return events.filter(
        Q(user_id__in=members) | Q(content_type=_person_type(), object_id__in=people) | Q(data__unit__in=ids)
    )


def _person_type():
    return ContentType.objects.get_for_model(Person)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered(events, cleaned: dict):
    """`events` cut down by the filter form's cleaned values."""
    if cleaned.get("user"):
        events = events.filter(user_name__icontains=cleaned["user"].strip())
    action = cleaned.get("action")
    if action == PRIVACY_PREFIX:
        events = events.filter(action__startswith=PRIVACY_PREFIX)
    elif action:
        events = events.filter(action=action)
    person = (cleaned.get("person") or "").strip()
    if person.isdigit():
        events = events.filter(content_type=_person_type(), object_id=int(person))
    elif person:
        found = search.search(Person.all_objects.all(), person).values("pk")
        events = events.filter(Q(content_type=_person_type(), object_id__in=found) | Q(data__name__icontains=person))
    if cleaned.get("date_from"):
        events = events.filter(time__gte=_day_start(cleaned["date_from"]))
    if cleaned.get("date_to"):
        events = events.filter(time__lt=_day_start(cleaned["date_to"] + datetime.timedelta(days=1)))
    return events


def action_label(action: str) -> str:
    if action in ACTIONS:
        return str(ACTIONS[action])
    if action.startswith(PRIVACY_PREFIX):
        return _("Consent and erasure: %(event)s") % {"event": action[len(PRIVACY_PREFIX) :]}
    return action


def details(event: ActionLog) -> str:
    """What the event says beyond who, when and which person, without any personal value."""
    data = event.data or {}
    if event.action == VIEWED:
        where = _("API") if data.get("source") == "api" else _("web page")
        shown = _("partly hidden") if data.get("masked") else _("in full")
        return f"{where} · {shown}"
    if event.action == REVEALED:
        return "、".join(str(FIELD_LABELS.get(name, name)) for name in data.get("fields", []) if name in FIELDS)
    if event.action == EXPORTED:
        parts = [str(data.get("model", "")), _("%(rows)s rows") % {"rows": data.get("rows", "?")}]
        if data.get("format"):
            parts.append(str(data["format"]))
        if data.get("query"):
            parts.append(str(data["query"])[:300])
        return " · ".join(p for p in parts if p)
    if event.action == MERGED:
        return _("merged #%(other)s into this record") % {"other": data.get("merged", "?")}
    # events of other apps: their plain values only (never a stored before-state)
    return " · ".join(
        f"{key}: {value}" for key, value in data.items() if isinstance(value, (str, int, float, bool)) and key != "name"
    )[:300]


def describe(events: list[ActionLog]) -> list[dict]:
    """The rows of a page: two queries whatever their number (the people, the units)."""
    person_type = _person_type().pk
    person_ids = sorted({e.object_id for e in events if e.content_type_id == person_type and e.object_id})
    names = {}
    for start in range(0, len(person_ids), BATCH):  # one query for a page; batches for a long export
        chunk = person_ids[start : start + BATCH]
        names.update(Person.all_objects.filter(pk__in=chunk).values_list("pk", "name"))
    unit_ids = {e.data.get("unit") for e in events if isinstance((e.data or {}).get("unit"), int)}
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    rows = []
    for event in events:
        data = event.data or {}
        is_person = event.content_type_id == person_type and event.object_id
        rows.append(
            {
                "event": event,
                "label": action_label(event.action),
                "person_id": event.object_id if is_person else None,
                "person_name": names.get(event.object_id, data.get("name", "")) if is_person else "",
                "unit": units.get(data.get("unit"), ""),
                "details": details(event),
            }
        )
    return rows


class AccessLogView(LoginRequiredMixin, View):
    """访问日志: administrators only, limited to their units."""

    template_name = "audit/access_log.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scoping.has_any(request.user, "manage"):
            raise PermissionDenied(_("Only administrators read the access log."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        params = request.GET.copy()
        params.pop("page", None)
        fmt = params.pop("export", [None])[0]
        form = AccessLogFilterForm(params)
        events = visible_to(access_events(), request.user)
        events = filtered(events, form.cleaned_data) if form.is_valid() else events.none()
        if fmt == "csv" and form.is_valid():
            return self.export(events, params)
        page = Paginator(events.order_by("-time", "-id"), PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "page": page,
            "rows": describe(list(page.object_list)),
            "query": params.urlencode(),
        }
        return render(request, self.template_name, context, status=200 if form.is_valid() else 400)

    def export(self, events, params):
        header = [
            _("time"),
            _("user"),
            _("action"),
            _("event"),
            _("person"),
            _("name"),
            _("unit"),
            _("request"),
            _("details"),
        ]
        found = list(events.order_by("-time", "-id")[:EXPORT_LIMIT])
        rows = [[capfirst(name) for name in header]]
        for row in describe(found):
            event = row["event"]
            rows.append(
                [
                    event.time,
                    event.user_name,
                    event.action,
                    row["label"],
                    row["person_id"] or "",
                    row["person_name"],
                    row["unit"],
                    event.request_id,
                    row["details"],
                ]
            )
        ActionLog.record(
            EXPORTED,
            None,
            model=ActionLog._meta.label,
            page=self.request.path,
            query=params.urlencode(),
            filters=dict(params.lists()),
            rows=len(rows) - 1,
            format="csv",
        )
        return exporters.write(rows, "csv", "access-log")
