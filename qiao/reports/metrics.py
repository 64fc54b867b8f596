"""The metric catalogue: every figure the offices publish, defined once.

A metric is a set of records (`records`: a queryset of one model, limited to the scope's units and
the period) and a value over them (how many records, how many distinct people, a sum, a rate, a
median). It can be broken down (`by`) by region of origin, unit, kind, month or industry where the
records have one, for any period (periods.py) and scope (a unit and everything below it, within what
the reader may see), and compared with the same period last year and the period before.

`compute()` answers with a `Figure`; `listing()` gives the records behind a figure or one of its
rows, for the list a dashboard number links to: its count is the number (for the sums: the records
summed). The few metrics whose records are too many to count at a national network's scale take
their totals from the stored aggregates of their apps (activities: ActivityTally and
FirstAttendance, see qiao/activities/aggregates.py); the tests hold those equal to a count of the
records.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, DateField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qiao.core.choices import OrganizationRegion, Region
from qiao.core.days import user_zone
from qiao.core.models import Unit

from .periods import Period

BREAKDOWNS = {
    "region": gettext_lazy("Region of origin"),
    "unit": gettext_lazy("Unit"),
    "kind": pgettext_lazy("breakdown", "Kind"),
    "month": gettext_lazy("Month"),
    "industry": gettext_lazy("Industry"),
}
NONE = "-"  # the row of records without a value for the breakdown


# ---------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Whose figures: `user` reads them; `unit` (None: everything the user may see) narrows them to a
    subtree; `units` are the unit ids counted (None: every unit of the network)."""

    user: object
    unit: Unit | None
    units: frozenset[int] | None
    today: datetime.date

    def filter(self, queryset: QuerySet, path: str) -> QuerySet:
        if self.units is None:
            return queryset
        return queryset.filter(**{f"{path}__in": self.units})

    @property
    def name(self) -> str:
        if self.unit is not None:
            return self.unit.name
        tops = self.top_units()
        return "、".join(u.name for u in tops) if tops else _("Everything you may see")

    def top_units(self) -> list[Unit]:
        """The topmost units of the scope (one for a unit, the reader's top units otherwise)."""
        if self.unit is not None:
            return [self.unit]
        units = Unit.objects.all() if self.units is None else Unit.objects.filter(pk__in=self.units)
        units = sorted(units, key=lambda u: u.path)
        tops: list[Unit] = []
        for unit in units:
            if not any(unit.path.startswith(t.path) for t in tops):
                tops.append(unit)
        return tops


def scope(user, unit: Unit | str | int | None = None, today: datetime.date | None = None) -> Scope:
    """The scope of `user`'s figures, narrowed to `unit` (a Unit, its id or its code). An unknown
    unit, or one the user may not see, is refused with a message naming the field `unit`."""
    from qiao.activities.services import scope_units
    from qiao.core.days import local_today

    if unit is not None:  # a Unit too: the reader may see it, or it is refused
        unit = find_unit(user, unit.pk if isinstance(unit, Unit) else unit)
    units = scope_units(user, unit)
    if units is not None and len(units) == Unit.objects.count():  # every unit: the whole network's rows
        units = None
    return Scope(user, unit, units, today or local_today(user))


def find_unit(user, value) -> Unit:
    from qiao.core import scoping

    text = str(value).strip()
    found = Unit.objects.filter(Q(code=text) | Q(pk=int(text)) if text.isdigit() else Q(code=text)).first()
    visible = scoping.unit_ids(user, "view")
    if found is None or (visible is not None and found.pk not in visible):
        raise ValidationError({"unit": _("unit: there is no unit “%(value)s” that you may see.") % {"value": text}})
    return found


# ---------------------------------------------------------------- results


@dataclass
class Row:
    key: str
    label: str
    value: int | Decimal | None


@dataclass
class Comparison:
    name: str  # last_year | previous
    period: Period
    total: int | Decimal | None

    def change(self, current) -> Decimal | None:
        """The change in percent (one decimal), None when the earlier figure is 0 or unknown."""
        if not self.total or current is None:
            return None
        return ((Decimal(current) - Decimal(self.total)) * 100 / Decimal(self.total)).quantize(Decimal("0.1"))


@dataclass
class Figure:
    metric: Metric
    period: Period
    scope: Scope
    total: int | Decimal | None
    by: str | None = None
    rows: list[Row] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)


# ---------------------------------------------------------------- dimensions


@dataclass(frozen=True)
class Dim:
    """How a metric's records are broken down: the field (or expression) giving each record's value,
    and how a value is named."""

    path: str
    labels: Callable[[Iterable], dict] | None = None

    def expression(self):
        return F(self.path)


def _choices(choices) -> Callable[[Iterable], dict]:
    return lambda values: {value: str(label) for value, label in choices.choices}


def _items(model_path: str) -> Callable[[Iterable], dict]:
    def labels(values):
        from django.apps import apps

        model = apps.get_model(model_path)
        return {item.pk: str(item) for item in model.objects.filter(pk__in=[v for v in values if v is not None])}

    return labels


def _raw(values):
    return {value: str(value) for value in values if value not in (None, "")}


REGION = _choices(Region)
ORG_REGION = _choices(OrganizationRegion)


# ---------------------------------------------------------------- metrics


class Metric:
    """One figure of the catalogue. Subclasses set the class attributes; most need nothing else."""

    key: str
    group: str
    label = ""
    definition = ""
    measure = "count"  # count | people | amount | percent | days
    unit_label = ""  # 批次, 人次, 人, 个 … (how the number is read)
    model: str = ""  # app_label.Model of the records
    unit_path = "unit"
    date_path: str | None = None  # the date that puts a record in the period (None: as of today)
    datetime = False  # date_path is a DateTimeField: compared by its local date
    live_paths: tuple[str, ...] = ()  # soft-deleted parents to leave out (…__deleted_at)
    dims: dict[str, Dim] = {}
    distinct: str | None = None  # count distinct values of this path (people), not records
    summed: str | None = None  # sum this path
    list_model: str | None = None  # the listing's model when not the records' (people of participations)
    snapshot = False  # counted as of today, whatever the period
    without: tuple[str, ...] = ()  # breakdowns that make no sense for it

    # -- the records

    def base(self) -> QuerySet:
        from django.apps import apps

        return apps.get_model(self.model).objects.all()

    def records(self, scope: Scope, period: Period) -> QuerySet:
        queryset = scope.filter(self.base(), self.unit_path)
        for path in self.live_paths:
            queryset = queryset.filter(**{f"{path}__deleted_at__isnull": True})
        if self.date_path and not self.snapshot and self.datetime:
            start, end = local_days(scope, period)
            queryset = queryset.filter(**{f"{self.date_path}__gte": start, f"{self.date_path}__lt": end})
        elif self.date_path and not self.snapshot:
            queryset = queryset.filter(**{f"{self.date_path}__range": (period.start, period.end)})
        return self.narrow(queryset, scope, period)

    def narrow(self, queryset: QuerySet, scope: Scope, period: Period) -> QuerySet:
        return queryset

    # -- the value

    def aggregate(self):
        if self.summed:
            return Sum(self.summed)
        if self.distinct:
            return Count(self.distinct, distinct=True)
        return Count("*")  # (COUNT(*): an index that holds the filters answers alone)

    def finish(self, value):
        if value is None and (self.summed and self.measure != "amount"):
            return 0
        if value is None and self.measure == "amount":
            return Decimal(0)
        return value

    def total(self, scope: Scope, period: Period):
        return self.finish(self.records(scope, period).order_by().aggregate(v=self.aggregate())["v"])

    def breakdown(self, scope: Scope, period: Period, by: str) -> list[Row]:
        expression, labels = dimension(self, scope, by)
        queryset = self.records(scope, period).order_by()
        values = queryset.annotate(_dim=expression).values("_dim").annotate(v=self.aggregate()).values_list("_dim", "v")
        return rows_of(values, labels, self.finish)

    # -- the records behind

    def listing(self, scope: Scope, period: Period, by: str | None = None, value: str | None = None) -> QuerySet:
        """The records a figure (or its row `value` of breakdown `by`) counts; for a count of people,
        those people."""
        queryset = self.records(scope, period)
        if by:
            expression, _labels = dimension(self, scope, by)
            queryset = queryset.annotate(_dim=expression)
            if value == NONE:  # no value: NULL, or an empty text (rows_of puts both in this row)
                blank = Q(_dim__isnull=True)
                if queryset.query.annotations["_dim"].output_field.get_internal_type() in ("CharField", "TextField"):
                    blank |= Q(_dim="")
                queryset = queryset.filter(blank)
            else:
                try:
                    queryset = queryset.filter(_dim=parse_key(by, value))
                except (TypeError, ValueError):  # not a value this breakdown can have (unit=abc)
                    raise ValidationError({"value": _("value: “%(value)s” is not a row of this breakdown.")
                                           % {"value": value}}) from None  # fmt: skip
        if self.distinct:
            from django.apps import apps

            return apps.get_model(self.list_model).objects.filter(pk__in=queryset.values(self.distinct))
        return queryset

    @property
    def additive(self) -> bool:
        """Whether its total is the sum of any breakdown's rows: a count of records or a sum, with the
        generic total (each record falls in one row; the rows of records without a value included)."""
        return not self.distinct and type(self).total is Metric.total

    def figures(self, scope: Scope, period: Period, by: str | None) -> tuple:
        """(total, rows of breakdown `by`); for an additive metric, the total is its rows' sum (one query)."""
        if by and self.additive:
            rows = self.breakdown(scope, period, by)
            return self.finish(
                sum((row.value or 0 for row in rows), 0 if self.measure != "amount" else Decimal(0))
            ), rows
        return self.total(scope, period), (self.breakdown(scope, period, by) if by else [])

    def listed_model(self):
        from django.apps import apps

        return apps.get_model(self.list_model or self.model)

    def __str__(self) -> str:
        return str(self.label)


def local_days(scope: Scope, period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's days in the reader's time zone, as instants [start, end) (so that an index on a
    timestamp column serves)."""
    zone = user_zone(scope.user)
    start = datetime.datetime.combine(period.start, datetime.time.min, zone)
    return start, datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, zone)


def dimension(metric: Metric, scope: Scope, by: str):
    """(expression, labels) of breakdown `by` for `metric`; refused when it has no such breakdown."""
    if by == "unit":
        return unit_rows(scope, metric.unit_path)
    if by == "month" and "month" in breakdowns(metric):
        zone = user_zone(scope.user) if metric.datetime else None  # the reader's months, as their days
        return TruncMonth(metric.date_path, output_field=DateField(), tzinfo=zone), None
    dim = metric.dims.get(by)
    if dim is None:
        raise ValidationError(
            {"by": _("by: “%(metric)s” cannot be broken down by “%(by)s”; it can by %(choices)s.")
             % {"metric": metric.label, "by": by, "choices": "、".join(str(BREAKDOWNS[b]) for b in breakdowns(metric))}}
        )  # fmt: skip
    return dim.expression(), dim.labels


def breakdowns(metric: Metric) -> list[str]:
    found = ["unit", *metric.dims]
    if metric.date_path and not metric.snapshot:
        found.append("month")
    return [key for key in BREAKDOWNS if key in found and key not in metric.without]


def unit_rows(scope: Scope, path: str):
    """The unit breakdown: one row per unit just below the scope's top unit (its subtree's records),
    and one for the top unit's own records; with several top units, one row per top unit."""
    tops = scope.top_units()
    if len(tops) == 1:
        top = tops[0]
        rows = [top, *Unit.objects.filter(parent=top)]
    else:
        rows = tops
    everything = list(Unit.objects.values_list("pk", "path"))
    whens = []
    for row in sorted(rows, key=lambda u: -len(u.path)):
        if len(tops) == 1 and row.pk == tops[0].pk:
            ids = [row.pk]
        else:
            ids = [pk for pk, path_ in everything if path_.startswith(row.path)]
        if scope.units is not None:
            ids = [pk for pk in ids if pk in scope.units]
        if ids:
            whens.append(When(**{f"{path}__in": ids}, then=Value(row.pk)))
    expression = (
        Case(*whens, default=Value(None), output_field=IntegerField()) if whens else Value(None, IntegerField())
    )
    names = {u.pk: u.name for u in rows}

    def labels(values):
        return names

    return expression, labels


def row_key(value) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m")
    return str(value)


def parse_key(by: str, value: str):
    if by == "month":
        try:
            return datetime.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise ValidationError({"value": _("value: write the month as 2026-05.")}) from None
    if by in ("unit",) or (by in ("kind", "industry") and value.isdigit()):
        return int(value) if value.isdigit() else value
    return value


def rows_of(values, labels, finish=lambda v: v) -> list[Row]:
    values = list(values)
    merged: dict = {}
    for key, value in values:
        key = None if key == "" else key
        if isinstance(key, datetime.datetime):
            key = key.date()
        merged[key] = merged[key] + value if merged.get(key) is not None and value is not None else value
    names = labels(list(merged)) if labels else {}
    rows = []
    for key, value in merged.items():
        if key is None:
            label = _("Not recorded")
        elif isinstance(key, datetime.date):
            label = key.strftime("%Y-%m")
        else:
            label = names.get(key, str(key))
        rows.append(Row(row_key(key), label, finish(value)))
    if rows and all(r.key[:4].isdigit() and len(r.key) == 7 for r in rows if r.key != NONE):
        rows.sort(key=lambda r: r.key)
    else:
        rows.sort(key=lambda r: (r.key == NONE, -(r.value or 0), r.label))
    return rows


# ---------------------------------------------------------------- the registry

CATALOGUE: dict[str, Metric] = {}
GROUPS = {
    "activities": gettext_lazy("Exchanges and activities"),
    "programmes": gettext_lazy("Internships and talk series"),
    "matching": gettext_lazy("Talent matching"),
    "projects": gettext_lazy("Investment projects"),
    "cases": gettext_lazy("Enterprise service"),
    "registry": gettext_lazy("Registry"),
    "relations": gettext_lazy("Contacts and cooperation"),
}


def register(cls):
    metric = cls()
    CATALOGUE[metric.key] = metric
    return cls


def get(key: str) -> Metric:
    try:
        return CATALOGUE[key]
    except KeyError:
        raise ValidationError(
            {"metric": _("metric: there is no metric “%(key)s”; see the catalogue at /api/stats/.") % {"key": key}}
        ) from None


def compute(
    user,
    key: str,
    period: Period,
    *,
    unit=None,
    by: str | None = None,
    compare: Iterable[str] = (),
    scope_: Scope | None = None,
) -> Figure:
    """The figure of metric `key` for `period` and the reader's scope (narrowed to `unit`), broken
    down `by` one dimension, with the comparisons asked for (`last_year`, `previous`)."""
    metric = get(key)
    where = scope_ or scope(user, unit)
    if by is not None and by not in BREAKDOWNS:
        raise ValidationError(
            {"by": _("by: “%(by)s” is not one of %(choices)s.") % {"by": by, "choices": ", ".join(BREAKDOWNS)}}
        )
    total, rows = metric.figures(where, period, by)
    figure = Figure(metric, period, where, total, by, rows)
    for name in compare:
        if name not in ("last_year", "previous"):
            raise ValidationError({"compare": _("compare: use last_year or previous.")})
        other = period.last_year() if name == "last_year" else period.previous()
        total = None if metric.snapshot or other.start < datetime.date(1980, 1, 1) else metric.total(where, other)
        figure.comparisons.append(Comparison(name, other, total))
    return figure


# ---------------------------------------------------------------- activities

ATTENDED = "attended"
ACTIVITY_KIND = Dim("kind", _items("activities.ActivityKind"))


@register
class Batches(Metric):
    key = "activities.batches"
    group = "activities"
    label = gettext_lazy("Activities (batches)")
    definition = gettext_lazy(
        "Activities (visits, delegations, events, talks, training, consultations …) that start in the "
        "period, owned by the scope's units; activities in the trash are not counted."
    )
    unit_label = pgettext_lazy("measure", "batches")
    model = "activities.Activity"
    date_path = "start_date"
    dims = {"kind": ACTIVITY_KIND}


class _Attended(Metric):
    """Attended participations of live activities that start in the period."""

    group = "activities"
    model = "activities.Participation"
    date_path = "date"
    live_paths = ("activity",)
    dims = {"region": Dim("person__region", REGION), "kind": Dim("activity__kind", ACTIVITY_KIND.labels)}

    def narrow(self, queryset, scope, period):
        return queryset.filter(status=ATTENDED)

    def activities(self, scope: Scope, period: Period) -> QuerySet:
        return Batches().records(scope, period)


@register
class PersonTimes(_Attended):
    key = "activities.person_times"
    label = gettext_lazy("Person-times")
    definition = gettext_lazy(
        "Attendances at those activities: each person counts once per activity attended. Registered, "
        "absent and cancelled participations are not counted."
    )
    unit_label = pgettext_lazy("measure", "person-times")

    def tallies(self, scope, period) -> QuerySet:
        """The stored tallies of the live activities of the scope and period (their copies of the
        activity's day, unit and kind: no activity read)."""
        from qiao.activities.models import ActivityTally

        tallies = ActivityTally.objects.filter(live=True, date__range=(period.start, period.end))
        return scope.filter(tallies, "unit").order_by()

    def total(self, scope, period):
        return self.tallies(scope, period).aggregate(v=Sum("attended"))["v"] or 0

    def breakdown(self, scope, period, by):
        if by in ("kind", "unit", "month"):  # from the stored tallies, never the participations
            if by == "kind":
                expression, labels = F("kind"), ACTIVITY_KIND.labels
            elif by == "month":
                expression, labels = TruncMonth("date"), None
            else:
                expression, labels = unit_rows(scope, "unit")
            values = self.tallies(scope, period).annotate(_dim=expression).values("_dim").annotate(v=Sum("attended"))
            return [r for r in rows_of(values.values_list("_dim", "v"), labels) if r.value]
        return super().breakdown(scope, period, by)


@register
class People(_Attended):
    key = "activities.people"
    label = pgettext_lazy("metric", "People")
    definition = gettext_lazy(
        "Distinct people who attended at least one of those activities; a person who came several times "
        "counts once (people merged as duplicates count once)."
    )
    measure = "people"
    unit_label = pgettext_lazy("measure", "people")
    distinct = "person"
    list_model = "people.Person"

    def _figures(self, scope, period):
        from qiao.activities.services import figures

        return figures(
            scope.user,
            self.activities(scope, period),
            since=period.start,
            unit=scope.unit,
            tallies=PersonTimes().tallies(scope, period),  # the same activities' tallies, by their day and unit
        )

    def total(self, scope, period):
        return self._figures(scope, period)["people"]

    def breakdown(self, scope, period, by):
        if by == "region":
            found = self._figures(scope, period)["by_region"]
            return rows_of(found.items(), REGION)
        return super().breakdown(scope, period, by)

    def figures(self, scope, period, by):
        if by == "region":  # the total and the rows from one computation
            found = self._figures(scope, period)
            return found["people"], rows_of(found["by_region"].items(), REGION)
        return super().figures(scope, period, by)


@register
class FirstTimers(_Attended):
    key = "activities.first_timers"
    label = gettext_lazy("First-time visitors")
    definition = gettext_lazy(
        "People who attended one of those activities and had attended no activity of the scope before "
        "the period's first day (counted from attendance records, not from what people declared)."
    )
    measure = "people"
    unit_label = pgettext_lazy("measure", "people")
    distinct = "person"
    list_model = "people.Person"
    dims = {"region": Dim("person__region", REGION)}

    without = ("month",)

    def _stored(self, scope, period) -> dict[str, int]:
        """{region: first-timers} from the stored first attendances alone: the people whose first
        attended day in the scope (the earliest of their rows over its units) is in the period. The same
        people as `narrow()` picks from the participations (the tests hold them equal), without reading
        any participation."""
        from qiao.activities.models import Facet, FirstAttendance

        table = connection.ops.quote_name(FirstAttendance._meta.db_table)
        if scope.units is not None and not scope.units:
            return {}
        from qiao.activities.services import subtree_rows

        subtree = subtree_rows(scope.units) if scope.units is not None else None
        if scope.units is None:
            sql = (
                f"SELECT region, COUNT(*) FROM {table} WHERE facet = %s AND value = 0 AND unit_id IS NULL "
                "AND date BETWEEN %s AND %s GROUP BY region"
            )
            params = [Facet.ANY, period.start, period.end]
        elif subtree:  # a unit and everything below it: one row per person, its first day there
            sql = f"SELECT region, COUNT(*) FROM {table} WHERE {subtree[0]} AND date BETWEEN %s AND %s GROUP BY region"
            params = [*subtree[1], period.start, period.end]
        else:
            units = sorted(scope.units)
            within = f"facet = {Facet.ANY} AND value = 0 AND unit_id IN ({', '.join(['%s'] * len(units))})"
            sql = (  # the people with a first day in the period in one of the units, and none before in any
                f"SELECT region, COUNT(*) FROM (SELECT person_id, MIN(region) AS region FROM {table} WHERE {within} "
                f"AND date BETWEEN %s AND %s GROUP BY person_id) f WHERE NOT EXISTS (SELECT 1 FROM {table} b WHERE "
                f"{within} AND b.person_id = f.person_id "
                "AND b.date < %s) GROUP BY region"
            )
            params = [*units, period.start, period.end, *units, period.start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())

    def total(self, scope, period):
        return sum(self._stored(scope, period).values())

    def breakdown(self, scope, period, by):
        if by == "region":
            return [r for r in rows_of(self._stored(scope, period).items(), REGION) if r.value]
        return super().breakdown(scope, period, by)

    def narrow(self, queryset, scope, period):
        """Attendances of people with no attendance in the scope before the period (their stored first
        attendances, see qiao/activities/aggregates.py)."""
        from qiao.activities.models import Facet, FirstAttendance

        earlier = FirstAttendance.objects.filter(
            person_id=OuterRef("person_id"), facet=Facet.ANY, value=0, date__lt=period.start
        )
        earlier = earlier.filter(unit__isnull=True) if scope.units is None else earlier.filter(unit__in=scope.units)
        return queryset.filter(status=ATTENDED).filter(~Exists(earlier))


@register
class Speakers(_Attended):
    key = "activities.speakers"
    label = gettext_lazy("Speakers")
    definition = gettext_lazy("Distinct people who attended an activity of the period as a speaker (主讲嘉宾).")
    measure = "people"
    unit_label = pgettext_lazy("measure", "people")
    distinct = "person"
    list_model = "people.Person"

    def narrow(self, queryset, scope, period):
        return queryset.filter(status=ATTENDED, role="speaker")


@register
class Editions(Metric):
    key = "activities.editions"
    group = "programmes"
    label = gettext_lazy("Series editions")
    definition = gettext_lazy("Activities of the period that are an edition of a series (学长说 第N期).")
    unit_label = pgettext_lazy("measure", "editions")
    model = "activities.Activity"
    date_path = "start_date"
    dims = {"kind": Dim("series", _items("activities.Series"))}

    def narrow(self, queryset, scope, period):
        return queryset.filter(series__isnull=False)


# ---------------------------------------------------------------- internships

PLACEMENT_UNIT = "application__position__unit"


@register
class Interns(Metric):
    key = "internships.interns"
    group = "programmes"
    label = gettext_lazy("Interns placed")
    definition = gettext_lazy(
        "Distinct people placed in an internship that starts in the period (by the position's unit)."
    )
    measure = "people"
    unit_label = pgettext_lazy("measure", "people")
    model = "internships.Placement"
    unit_path = PLACEMENT_UNIT
    date_path = "start_date"
    live_paths = ("application__position",)
    distinct = "application__person"
    list_model = "people.Person"
    dims = {
        "region": Dim("application__person__region", REGION),
        "industry": Dim("application__position__organization__industry", _raw),
    }


@register
class InternshipBatches(Metric):
    key = "internships.batches"
    group = "programmes"
    label = gettext_lazy("Internship batches")
    definition = gettext_lazy("Internship batches (第N批) with at least one placement that starts in the period.")
    unit_label = pgettext_lazy("measure", "batches")
    model = "internships.Placement"
    unit_path = PLACEMENT_UNIT
    date_path = "start_date"
    live_paths = ("application__position", "batch")
    distinct = "batch"
    list_model = "activities.Activity"


# ---------------------------------------------------------------- matching


@register
class Demands(Metric):
    key = "matching.demands"
    group = "matching"
    label = gettext_lazy("Enterprise demands received")
    definition = gettext_lazy("Demands (jobs, internships, technology needs, cooperation …) recorded in the period.")
    unit_label = pgettext_lazy("measure", "demands")
    model = "matching.Demand"
    date_path = "created"
    datetime = True
    live_paths = ("organization",)
    dims = {
        "kind": Dim("kind", lambda values: {v: str(label) for v, label in _demand_kinds()}),
        "industry": Dim("organization__industry", _raw),
        "region": Dim("organization__region", ORG_REGION),
    }


def _demand_kinds():
    from qiao.matching.models import DemandKind

    return DemandKind.choices


@register
class MatchesAgreed(Metric):
    key = "matching.agreed"
    group = "matching"
    label = gettext_lazy("Matches agreed")
    definition = gettext_lazy(
        "Talent–demand matches that reached the stage “agreed” in the period (counted once each, even if reopened)."
    )
    unit_label = pgettext_lazy("measure", "matches")
    model = "matching.Match"
    live_paths = ("demand",)
    dims = {
        "region": Dim("person__region", REGION),
        "kind": Dim("demand__kind", lambda values: {v: str(label) for v, label in _demand_kinds()}),
        "industry": Dim("demand__organization__industry", _raw),
    }

    def narrow(self, queryset, scope, period):
        from qiao.matching.models import MatchStep

        start, end = local_days(scope, period)
        steps = MatchStep.objects.filter(stage="agreed", at__gte=start, at__lt=end)
        return queryset.filter(pk__in=steps.values("match"), person__deleted_at__isnull=True)


@register
class TalentsPlaced(MatchesAgreed):
    key = "matching.talents"
    label = gettext_lazy("Talents placed")
    definition = gettext_lazy("Distinct people with a match agreed in the period.")
    measure = "people"
    unit_label = pgettext_lazy("measure", "people")
    distinct = "person"
    list_model = "people.Person"


# ---------------------------------------------------------------- projects

PROJECT_DIMS = {
    "region": Dim("origin", ORG_REGION),
    "kind": Dim("kind", lambda values: {v: str(label) for v, label in _project_kinds()}),
    "industry": Dim("industry", _items("matching.Field")),
}


def _project_kinds():
    from qiao.projects.models import ProjectKind

    return ProjectKind.choices


class _Signed(Metric):
    group = "projects"
    model = "projects.Project"
    date_path = "signed_on"
    dims = PROJECT_DIMS


@register
class ProjectsSigned(_Signed):
    key = "projects.signed"
    label = gettext_lazy("Projects signed")
    definition = gettext_lazy(
        "Investment projects signed in the period (by their signing date), whatever their stage now, "
        "dropped ones included."
    )
    unit_label = pgettext_lazy("measure", "projects")


@register
class PlannedAmount(_Signed):
    key = "projects.planned_amount"
    label = gettext_lazy("Planned investment of projects signed")
    definition = gettext_lazy("The planned investment of the projects signed in the period, in yuan.")
    measure = "amount"
    unit_label = pgettext_lazy("measure", "yuan")
    summed = "planned_amount"


@register
class LandedAmount(Metric):
    key = "projects.landed_amount"
    group = "projects"
    label = gettext_lazy("Investment landed")
    definition = gettext_lazy(
        "Money that arrived in the period (the tranches recorded with a date in the period), in yuan, for "
        "projects of the scope not in the trash."
    )
    measure = "amount"
    unit_label = pgettext_lazy("measure", "yuan")
    model = "projects.Tranche"
    unit_path = "project__unit"
    date_path = "on"
    live_paths = ("project",)
    summed = "amount"
    dims = {
        "region": Dim("project__origin", ORG_REGION),
        "kind": Dim("project__kind", PROJECT_DIMS["kind"].labels),
        "industry": Dim("project__industry", PROJECT_DIMS["industry"].labels),
    }


@register
class InProduction(Metric):
    key = "projects.in_production"
    group = "projects"
    label = gettext_lazy("Projects put into production")
    definition = gettext_lazy(
        "Projects that entered the stage “in production” in the period and are still in production."
    )
    unit_label = pgettext_lazy("measure", "projects")
    model = "projects.Project"
    dims = PROJECT_DIMS

    def narrow(self, queryset, scope, period):
        from qiao.projects.models import StageChange

        moves = StageChange.objects.filter(to_stage="in_production", on__range=(period.start, period.end))
        return queryset.filter(stage="in_production", pk__in=moves.values("project"))


@register
class ProductionRate(_Signed):
    key = "projects.production_rate"
    label = gettext_lazy("Production rate")
    definition = gettext_lazy(
        "Of the projects signed in the period, the share in production now, in percent to one decimal "
        "(投产率; none when no project was signed)."
    )
    measure = "percent"
    unit_label = "%"

    def total(self, scope, period):
        from qiao.projects.services import production_rate

        return production_rate(self.records(scope, period))

    def breakdown(self, scope, period, by):
        from qiao.projects.services import _rate

        expression, labels = dimension(self, scope, by)
        values = (
            self.records(scope, period).order_by().annotate(_dim=expression).values("_dim")
            .annotate(signed=Count("pk"), on=Count("pk", filter=Q(stage="in_production")))
            .values_list("_dim", "signed", "on")
        )  # fmt: skip
        return rows_of(((d, _rate(o, s)) for d, s, o in values), labels)


# ---------------------------------------------------------------- the service ledger

CASE_DIMS = {
    "kind": Dim("category", lambda values: {v: str(label) for v, label in _categories()}),
    "industry": Dim("organization__industry", _raw),
    "region": Dim("organization__region", ORG_REGION),
}


def _categories():
    from qiao.ledger.models import Category

    return Category.choices


class _Cases(Metric):
    group = "cases"
    model = "ledger.Case"
    dims = CASE_DIMS
    unit_label = pgettext_lazy("measure", "cases")


@register
class CasesOpened(_Cases):
    key = "cases.opened"
    label = gettext_lazy("Problems received")
    definition = gettext_lazy("Cases (enterprise problems) raised in the period, whatever their status now.")
    date_path = "raised_on"


@register
class CasesResolved(_Cases):
    key = "cases.resolved"
    label = gettext_lazy("Problems resolved")
    definition = gettext_lazy("Cases resolved in the period (by their resolution date) and not reopened since.")
    date_path = "resolved_on"


@register
class CasesOverdue(_Cases):
    key = "cases.overdue"
    label = gettext_lazy("Problems overdue")
    definition = gettext_lazy(
        "Cases still being worked on whose due date has passed, as of today (whatever the period)."
    )
    date_path = "raised_on"
    snapshot = True

    def narrow(self, queryset, scope, period):
        from qiao.ledger.services import overdue_q

        return queryset.filter(overdue_q(scope.today))


@register
class MedianDays(_Cases):
    key = "cases.median_days"
    label = gettext_lazy("Median days to resolve")
    definition = gettext_lazy(
        "For the cases resolved in the period: the median of the days from being raised to being resolved."
    )
    measure = "days"
    unit_label = pgettext_lazy("measure", "days")
    date_path = "resolved_on"

    def total(self, scope, period):
        return _median(self.records(scope, period))

    def breakdown(self, scope, period, by):
        expression, labels = dimension(self, scope, by)
        queryset = self.records(scope, period).order_by().annotate(_dim=expression)
        if connection.vendor == "postgresql":
            from django.db.models import Aggregate, DurationField

            class Median(Aggregate):  # an aggregate: the query groups by the breakdown only
                template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY (%(expressions)s))"
                output_field = DurationField()  # days between two dates: an interval

            values = (
                queryset.values("_dim").annotate(v=Median(F("resolved_on") - F("raised_on"))).values_list("_dim", "v")
            )
            return rows_of(((d, _days(v)) for d, v in values), labels)
        grouped: dict = {}
        for key, raised, resolved in queryset.values_list("_dim", "raised_on", "resolved_on"):
            grouped.setdefault(key, []).append((resolved - raised).days)
        return rows_of(((k, _med(v)) for k, v in grouped.items()), labels)


def _days(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        value = value.days + value.seconds / 86400
    return Decimal(str(value)).quantize(Decimal("0.1"))


def _med(values: list[int]) -> Decimal | None:
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.1")) if values else None


def _median(queryset) -> Decimal | None:
    queryset = queryset.order_by()
    if connection.vendor == "postgresql":
        sql, params = queryset.values("raised_on", "resolved_on").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_on - raised_on) FROM ({sql}) c", params
            )
            return _days(cursor.fetchone()[0])
    return _med([(b - a).days for a, b in queryset.values_list("raised_on", "resolved_on")])


@register
class ServiceRecords(Metric):
    key = "services.records"
    group = "cases"
    label = pgettext_lazy("metric", "Services given")
    definition = gettext_lazy("Service records (consultations, visits, help given …) dated in the period.")
    unit_label = pgettext_lazy("measure", "times")
    model = "ledger.ServiceRecord"
    date_path = "on"
    dims = {"kind": Dim("kind", _items("ledger.ServiceKind"))}


@register
class PeopleServed(ServiceRecords):
    key = "services.people_served"
    label = gettext_lazy("People served")
    definition = gettext_lazy("The people served as recorded on the service records of the period (a sum, 人次).")
    unit_label = pgettext_lazy("measure", "person-times")
    summed = "people_served"


# ---------------------------------------------------------------- registry


@register
class NewPeople(Metric):
    key = "registry.people"
    group = "registry"
    label = gettext_lazy("People added to the registry")
    definition = gettext_lazy(
        "People added to the registry in the period (by the day they were recorded), not deleted and not "
        "merged into another record since."
    )
    measure = "people"
    unit_label = pgettext_lazy("measure", "people")
    model = "people.Person"
    date_path = "created"
    datetime = True
    dims = {"region": Dim("region", REGION)}


@register
class NewOrganizations(Metric):
    key = "registry.organizations"
    group = "registry"
    label = gettext_lazy("Organisations added to the registry")
    definition = gettext_lazy("Organisations added in the period, not deleted since.")
    unit_label = pgettext_lazy("measure", "organisations")
    model = "orgs.Organization"
    date_path = "created"
    datetime = True
    dims = {
        "region": Dim("region", ORG_REGION),
        "kind": Dim("kind", lambda values: {v: str(label) for v, label in _org_kinds()}),
        "industry": Dim("industry", _raw),
    }


def _org_kinds():
    from qiao.orgs.models import OrganizationKind

    return OrganizationKind.choices


# ---------------------------------------------------------------- contacts and cooperation


@register
class Interactions(Metric):
    key = "relations.interactions"
    group = "relations"
    label = gettext_lazy("Contacts logged")
    definition = gettext_lazy("Calls, visits, meetings and other contacts logged with a date in the period.")
    unit_label = pgettext_lazy("measure", "times")
    model = "relations.Interaction"
    date_path = "occurred_on"
    dims = {"kind": Dim("kind", lambda values: {v: str(label) for v, label in _interaction_kinds()})}


def _interaction_kinds():
    from qiao.relations.models import InteractionKind

    return InteractionKind.choices


@register
class AgreementsSigned(Metric):
    key = "agreements.signed"
    group = "relations"
    label = gettext_lazy("Agreements signed")
    definition = gettext_lazy("Cooperation agreements (including sister-organisation pairings) signed in the period.")
    unit_label = pgettext_lazy("measure", "agreements")
    model = "agreements.Agreement"
    date_path = "signed_on"
    dims = {"kind": Dim("kind", lambda values: {v: str(label) for v, label in _agreement_kinds()})}


def _agreement_kinds():
    from qiao.agreements.models import AgreementKind

    return AgreementKind.choices


@register
class Residencies(Metric):
    key = "carriers.entered"
    group = "relations"
    label = gettext_lazy("Teams and enterprises settled in carriers")
    definition = gettext_lazy("Residents (start-up teams, enterprises) that entered a carrier platform in the period.")
    unit_label = pgettext_lazy("measure", "residents")
    model = "carriers.Residency"
    unit_path = "carrier__unit"
    date_path = "entered_on"
    live_paths = ("carrier",)
    dims = {
        "region": Dim("origin", ORG_REGION),
        "kind": Dim("kind", lambda values: {v: str(label) for v, label in _resident_kinds()}),
        "industry": Dim("field", _items("matching.Field")),
    }


def _resident_kinds():
    from qiao.carriers.models import ResidentKind

    return ResidentKind.choices


@register
class Proposals(Metric):
    key = "proposals.submitted"
    group = "relations"
    label = gettext_lazy("Proposals submitted")
    definition = gettext_lazy("Proposals and suggestions (建言献策) submitted in the period.")
    unit_label = pgettext_lazy("measure", "proposals")
    model = "proposals.Proposal"
    date_path = "submitted_on"
    dims = {"kind": Dim("channel", lambda values: {v: str(label) for v, label in _channels()})}


def _channels():
    from qiao.proposals.models import Channel

    return Channel.choices


@register
class ProposalsAdopted(Proposals):
    key = "proposals.adopted"
    label = gettext_lazy("Proposals adopted")
    definition = gettext_lazy("Proposals adopted in the period (by the adoption date).")
    date_path = "adopted_on"
