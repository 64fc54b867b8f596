"""The figures beside the activity list (batches, person-times, people, first-timers, by region and
role) for a set of filters, as a base's staff and as a centre's viewer: what ActivityListView runs.

    qiao synth --people 1000000 --organizations 10000
    qiao synth --activities 250000 --participations 10000000 --truth truth.json
    python bench/activity_figures_bench.py [--repeat 5] [--truth truth.json] [--queries]

Each filter goes through ActivityFilterSet on the user's restricted list, exactly as the page does,
then `services.figures(user, rows, since=date_from, unit=unit)`; milliseconds, median and 95th
percentile over the repeats (after one warm-up run). The users are created on first use:
bench-base (staff of synth-base-1) and bench-centre (viewer at the centre). With --truth the
first-timers of the year and quarter filters are compared with the generator's ground truth;
--queries prints the time of every SQL query of one run of each filter (to find the slow one).
The column "people from" says where `figures()` read the distinct attendees: the participations
of the set, or the stored first attendances of the whole scope or of one facet (see
qiao/activities/aggregates.py). --baseline also times, alternating with it run by run (the machine
is shared: its load moves both alike), the computation from the participations alone that
`figures()` did before the stored aggregates (`figures_before` below), and checks that both give
the same figures.
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Value  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qiao.activities import services  # noqa: E402
from qiao.activities.filtersets import ActivityFilterSet  # noqa: E402
from qiao.activities.models import (  # noqa: E402
    Activity,
    ActivityKind,
    Facet,
    Participation,
    Programme,
    Series,
    TargetGroup,
)
from qiao.activities.views import activities  # noqa: E402
from qiao.core.models import Membership, Unit, User  # noqa: E402
from qiao.orgs.models import Organization  # noqa: E402
from qiao.people.models import Person  # noqa: E402

YEAR = ("2025-01-01", "2025-12-31")
QUARTER = ("2024-07-01", "2024-09-30")


def user(username: str, unit: Unit, role: str) -> User:
    found, created = User.objects.get_or_create(username=username)
    if created:
        found.set_unusable_password()
        found.save()
        Membership.objects.create(user=found, unit=unit, role=role)
    return found


def filters(reader: User, base: Unit, other: Unit) -> list[tuple[str, dict]]:
    """(label, GET parameters) of the filters to time for `reader`; `other` is a unit subtree to filter on."""
    visible = Activity.objects.restrict(reader)
    partner = (
        Activity.partners.through.objects.filter(
            activity__in=visible.values("pk"), organization__in=Organization.objects.restrict(reader).values("pk")
        )
        .values("organization")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization")
        .values_list("organization", flat=True)
        .first()
    )
    series = Series.objects.filter(unit__path__startswith=base.path).order_by("pk").first()
    programme = Programme.objects.restrict(reader).order_by("pk").first()
    group = TargetGroup.objects.get(code="hk-youth")
    found = [("all", {})]
    found += [(f"kind {k.code}", {"kind": [k.pk]}) for k in ActivityKind.objects.order_by("position")]
    found += [
        ("year 2025", {"date_from": YEAR[0], "date_to": YEAR[1]}),
        ("quarter 2024Q3", {"date_from": QUARTER[0], "date_to": QUARTER[1]}),
        (f"unit {other.code or other.name}", {"unit": other.pk}),
        ("partner (the most frequent)", {"partner": partner}),
        ("target group hk-youth", {"target_group": [group.pk]}),
        (f"series {series.name}", {"series": series.pk}),
        *([("programme", {"programme": programme.pk})] if programme else []),
        (
            "delegation + year 2025",
            {"kind": [ActivityKind.objects.get(code="delegation").pk], "date_from": YEAR[0], "date_to": YEAR[1]},
        ),
        ("unit + year 2025", {"unit": other.pk, "date_from": YEAR[0], "date_to": YEAR[1]}),
        ("partner + year 2025", {"partner": partner, "date_from": YEAR[0], "date_to": YEAR[1]}),
        (
            "hk-youth + talk + 2024Q3",
            {
                "target_group": [group.pk],
                "kind": [ActivityKind.objects.get(code="talk").pk],
                "date_from": QUARTER[0],
                "date_to": QUARTER[1],
            },
        ),
    ]
    return found


def run(reader: User, params: dict, compute=services.figures) -> dict:
    """What ActivityListView.get_context_data computes for the figures."""
    request = RequestFactory().get("/activities/", params)
    request.user = reader
    filterset = ActivityFilterSet(request.GET, queryset=activities.all().restrict(reader), request=request)
    valid = not filterset.is_bound or filterset.is_valid()
    assert valid, filterset.errors
    rows = filterset.qs
    data = filterset.form.cleaned_data if filterset.is_bound else {}
    return compute(reader, rows.order_by(), since=data.get("date_from"), unit=data.get("unit"))


def figures_before(user, activities, *, since=None, unit=None) -> dict:
    """`services.figures()` as it was before the stored aggregates (2026-11-21, issue 4): every figure
    from the participations (a pass grouped by role, a pass over the distinct people by region with
    a per-person probe for an earlier attendance in scope). Kept here to time the two side by side."""
    attended_status = "attended"
    units = services.scope_units(user, unit)

    def in_scope(queryset):
        return queryset if units is None else queryset.filter(unit__in=units)

    bounds = activities.order_by().aggregate(first=Min("start_date"), last=Max("start_date"))
    totals = {"registered": 0, "person_times": 0, "declared_first": 0, "first_timers": 0, "people": 0}
    totals.update(batches=activities.count(), by_region={}, by_role={})
    if bounds["first"] is None:
        return totals
    set_units = activities.order_by().values("unit_id").distinct()
    rows = Participation.objects.filter(
        activity__in=activities.values("pk"), unit__in=set_units, date__gte=bounds["first"], date__lte=bounds["last"]
    )
    attended = rows.filter(status=attended_status)
    for role, registered, person_times, declared in (
        rows.values_list("role")
        .annotate(
            registered=Count("pk", filter=~Q(status="cancelled")),
            person_times=Count("pk", filter=Q(status=attended_status)),
            declared_first=Count("pk", filter=Q(status=attended_status, first_visit_declared=True)),
        )
        .order_by()
    ):
        totals["registered"] += registered
        totals["person_times"] += person_times
        totals["declared_first"] += declared
        if person_times:
            totals["by_role"][role] = person_times
    since = since or bounds["first"]
    everyone = since <= bounds["first"]
    earlier = in_scope(Participation.objects.filter(person=OuterRef("pk"), status=attended_status, date__lt=since))
    for region, people, first in (
        Person._base_manager.filter(pk__in=attended.values("person"))
        .values_list("region")
        .annotate(n=Count("pk"), first=Count("pk", filter=~Exists(earlier)) if everyone else Value(0))
        .order_by()
    ):
        totals["by_region"][region] = people
        totals["people"] += people
        totals["first_timers"] += first
    if not everyone:
        came = Participation.objects.filter(activity__in=activities.values("pk"), status=attended_status)
        totals["first_timers"] = (
            Person._base_manager.filter(pk__in=came.filter(date__gte=since).values("person"))
            .exclude(Exists(earlier))
            .count()
        )
    return totals


def _p50(times: list[float]) -> str:
    return f"{statistics.median(times):.0f}"


def _p95(times: list[float]) -> str:
    times = sorted(times)
    return f"{times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]:.0f}"


def _source(picked: list) -> str:
    """Where the last run read its people from (see services._whole)."""
    whole = picked[-1] if picked else None
    if whole is None:
        return "participations"
    facet, value = whole
    return f"stored {Facet(facet).label}" + (f" {value}" if facet != Facet.ANY else " (scope)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--truth", help="the JSON written by qiao synth --truth")
    parser.add_argument("--queries", action="store_true", help="print every query's time for one run")
    parser.add_argument("--only", default="", help="only the filters whose label contains this")
    parser.add_argument("--baseline", action="store_true", help="also time figures_before, alternating")
    args = parser.parse_args()
    centre = Unit.objects.get(code="synth-centre")
    base = Unit.objects.get(code="synth-base-1")
    readers = [
        ("base staff", user("bench-base", base, "staff"), base, Unit.objects.filter(parent=base).first()),
        ("centre", user("bench-centre", centre, "viewer"), centre, Unit.objects.get(code="synth-base-3")),
    ]
    truth = {}
    if args.truth:
        with open(args.truth, encoding="utf-8") as handle:
            truth = {(a["unit"], a["date_from"], a["date_to"]): a for a in json.load(handle)}
    print(
        f"database: {connection.vendor}; {Activity.objects.count():,} activities, "
        f"{Participation.objects.count():,} participations; repeats: {args.repeat}"
    )
    picked = []
    whole = services._whole
    services._whole = lambda *a: picked.append(whole(*a)) or picked[-1]  # to name where people come from
    columns = "reader | filter | batches | person-times | people | first-timers | p50 ms | p95 ms | truth | people from"
    if args.baseline:
        columns += " | before p50 ms | before p95 ms | same"
    print(f"| {columns} |")
    print("|" + "---|" * 2 + "---:|" * 6 + "---|---|" + ("---:|---:|---|" if args.baseline else ""))
    for label, reader, scope, other in readers:
        for name, params in filters(reader, scope, other):
            if args.only and args.only not in name:
                continue
            picked.clear()
            result = run(reader, params)  # warm-up
            source = _source(picked)
            before = run(reader, params, figures_before) if args.baseline else None
            times, times_before = [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = run(reader, params)
                times.append((time.perf_counter() - started) * 1000)
                if args.baseline:
                    started = time.perf_counter()
                    before = run(reader, params, figures_before)
                    times_before.append((time.perf_counter() - started) * 1000)
            check = ""
            if truth and set(params) == {"date_from", "date_to"}:
                unit = scope.code if label == "base staff" else None
                expected = truth.get((unit, params["date_from"], params["date_to"]))
                if expected:
                    same = expected["first_timers"] == result["first_timers"]
                    check = "equal" if same else f"EXPECTED {expected['first_timers']}"
            line = (
                f"| {label} | {name} | {result['batches']:,} | {result['person_times']:,} | {result['people']:,} | "
                f"{result['first_timers']:,} | {_p50(times)} | {_p95(times)} | {check} | {source} |"
            )
            if args.baseline:
                line += f" {_p50(times_before)} | {_p95(times_before)} | {'yes' if before == result else 'NO'} |"
            print(line, flush=True)
            if args.queries:
                with CaptureQueriesContext(connection) as captured:
                    run(reader, params)
                for query in captured.captured_queries:
                    print(f"    {float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")


if __name__ == "__main__":
    main()
