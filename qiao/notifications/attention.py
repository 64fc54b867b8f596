"""What needs a person's attention, for their home page: their overdue and soon-due cases and tasks (in
their own local day, the scan's definitions), and for managers the overdue counts of the units they
manage. A fixed number of indexed queries, whatever the size of the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from qiao.ledger import services as ledger
from qiao.ledger.models import ACTIVE_STATUSES, Case, CaseTask

from .days import local_today, soon_days

LIMIT = 10  # items listed on the home page; the rest are behind a link to the ledger's lists


@dataclass
class Item:
    kind: str  # "case" or "task"
    obj: object
    due_date: date
    overdue: bool
    url: str

    @property
    def case(self):
        return self.obj if self.kind == "case" else self.obj.case


@dataclass
class UnitCounts:
    unit: object
    cases: int
    tasks: int
    cases_url: str
    tasks_url: str


def list_url(name: str, query: str = "") -> str:
    """The URL called `name` with a query string; "" while that page does not exist."""
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def url_of(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def needs_attention(user, now: datetime | None = None, limit: int = LIMIT) -> dict:
    today = local_today(user, now)
    until = today + timedelta(days=soon_days())
    cases = list(
        Case.objects.restrict(user, "view")
        .filter(owner=user, status__in=ACTIVE_STATUSES, due_date__lte=until)
        .select_related("organization")
        .order_by("due_date", "id")[: limit + 1]
    )
    tasks = (
        CaseTask.objects.restrict(user, "view")
        .filter(done=False, due_date__lte=until, case__status__in=ACTIVE_STATUSES, case__deleted_at__isnull=True)
        .select_related("case")
        .order_by("due_date", "id")
    )
    # two bounded reads rather than one OR across two tables, which no index serves
    assigned = list(tasks.filter(assignee=user)[: limit + 1])
    unassigned = list(tasks.filter(assignee__isnull=True, case__owner=user)[: limit + 1])
    tasks = sorted(assigned + unassigned, key=lambda t: (t.due_date, t.pk))
    items = [Item("case", c, c.due_date, c.due_date < today, url_of(c)) for c in cases[:limit]] + [
        Item("task", t, t.due_date, t.due_date < today, url_of(t)) for t in tasks[:limit]
    ]
    items.sort(key=lambda item: (item.due_date, item.kind, item.obj.pk))
    return {
        "today": today,
        "until": until,
        "items": items,
        "more_cases": len(cases) > limit,
        "more_tasks": len(tasks) > limit,
        "my_cases_url": list_url("ledger:case_list", "mine=1&status=active"),
        "my_tasks_url": list_url("ledger:task_list", "mine=1&done=false&active=1"),
        "managed": managed_counts(user, today),
    }


def managed_counts(user, today: date) -> list[UnitCounts]:
    """Overdue cases and tasks in each unit the user manages (with the units below it): two counts,
    each one read of the overdue range of the (status, due date) or (done, due date) index."""
    units = ledger.managed_units(user)
    if not units:
        return []
    names = {unit.pk: f"unit_{unit.pk}" for unit in units}
    cases = Case.objects.filter(ledger.overdue_q(today)).aggregate(
        **{names[u.pk]: Count("pk", filter=Q(unit__path__startswith=u.path)) for u in units}
    )
    tasks = CaseTask.objects.filter(ledger.task_overdue_q(today)).aggregate(
        **{names[u.pk]: Count("pk", filter=Q(case__unit__path__startswith=u.path)) for u in units}
    )
    return [
        UnitCounts(
            unit=unit,
            cases=cases[names[unit.pk]],
            tasks=tasks[names[unit.pk]],
            cases_url=list_url("ledger:case_list", f"overdue=1&unit={unit.pk}"),
            tasks_url=list_url("ledger:task_list", f"overdue=1&unit={unit.pk}"),
        )
        for unit in units
    ]
