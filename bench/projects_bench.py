"""Latency of the pipeline board, the project list with its totals, the case list and the manager's
ledger at scale (issue 6), as the web views serve them, for a base's manager and a centre's manager.

Usage (against a database filled by `qiao synth --projects 100000 --cases 1000000 --tasks 5000000`):
    DATABASE_URL=... python bench/projects_bench.py [--repeat 20] [--mode auto|http|queries]

Creates (once) two users: `bench6-base`, manager of the first base, and `bench6-centre`, manager of
the centre. In HTTP mode (the default when the pages exist) each page is requested through Django's
test Client, logged in, and the whole response is timed (middleware, queries, template); in queries
mode (before the pages existed) the querysets and aggregates the views use are evaluated instead.
Prints per page and filter the rows in the filtered set, the SQL statements of one request and
their time, and the median and 95th percentile of the whole request in milliseconds (--explain:
EXPLAIN ANALYZE of the slowest statements of a page over the target). Target: under 300 ms.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from qiao.core.models import Membership, Unit, User  # noqa: E402
from qiao.ledger.models import Case  # noqa: E402
from qiao.matching.models import Field  # noqa: E402
from qiao.projects.models import Project  # noqa: E402

TARGET_MS = 300
URL_NAMES = ("projects:board", "projects:project_list", "ledger:case_list", "ledger:overview")


def bench_users() -> dict[str, User]:
    centre = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    base = Unit.objects.filter(parent=centre).order_by("pk").first()
    users = {}
    for name, unit in (("bench6-base", base), ("bench6-centre", centre)):
        user, _ = User.objects.get_or_create(username=name, defaults={"display_name": name})
        Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": "manager"})
        users[name] = user
    return users


def pages_exist() -> bool:
    try:
        for name in URL_NAMES:
            reverse(name)
    except NoReverseMatch:
        return False
    return True


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm: connection, caches, plans
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(len(samples) * 0.95)) - 1)]


def filters(user: User) -> dict[str, list[tuple[str, str]]]:
    """(label, query string) per page, with ids picked from the user's own scope."""
    units = list(Unit.objects.restrict(user).order_by("path"))
    below = units[1] if len(units) > 1 else units[0]
    industry = Field.objects.filter(parent__isnull=True).order_by("pk").first()
    owner = Case.objects.restrict(user).exclude(owner=None).order_by("pk").values_list("owner_id", flat=True).first()
    board = [("all", ""), ("origin HK", "origin=HK"), (f"industry {industry.code}", f"industry={industry.pk}")]
    projects = [
        ("all", ""),
        ("in production", "stage=in_production"),
        ("HK, signed or later", "origin=HK&stage=signed&stage=landed&stage=in_production"),
        (f"industry {industry.code}, signed in 2025",
         f"industry={industry.pk}&period_on=signed&date_from=2025-01-01&date_to=2025-12-31"),
        (f"unit {below.pk} + expansion", f"unit={below.pk}&kind=expansion"),
    ]  # fmt: skip
    cases = [
        ("all", ""),
        ("active", "status=active"),
        ("overdue", "overdue=1"),
        ("land, active", "category=land&status=active"),
        (f"owner {owner}", f"owner={owner}"),
        (f"overdue, unit {below.pk}", f"overdue=1&unit={below.pk}"),
        ("active, open 90+ days", "status=active&age=90%2B"),
    ]
    return {"projects:board": board, "projects:project_list": projects, "ledger:case_list": cases,
            "ledger:overview": [("", "")]}  # fmt: skip


def http_runner(user: User):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # static URLs without `collectstatic`'s manifest, as in the tests
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(user)

    def run(name: str, query: str):
        url = reverse(name) + (f"?{query}" if query else "")

        def fetch():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            return response

        return fetch

    return run


def queries_runner(user: User):
    """Before the pages existed: the view's querysets and aggregates (services.totals, case_totals,
    the first page of rows, the board's GROUP BY and cards)."""
    from django.http import QueryDict
    from django.test import RequestFactory

    from qiao.ledger import services as ledger
    from qiao.ledger.filtersets import CaseFilterSet
    from qiao.projects import services as projects
    from qiao.projects.filtersets import ProjectFilterSet

    factory = RequestFactory()

    def run(name: str, query: str):
        request = factory.get("/", QueryDict(query))
        request.user = user

        def fetch():
            if name.startswith("projects:"):
                base = Project.objects.restrict(user)
                rows = ProjectFilterSet(request.GET or None, queryset=base, request=request).qs
                if name == "projects:board":
                    projects.totals_by_stage(rows)
                    for stage in ("lead", "visited", "negotiating", "signed", "landed", "in_production", "dropped"):
                        list(rows.filter(stage=stage).order_by("-stage_on", "-id")[:20])
                else:
                    projects.totals(rows)
                    list(rows.select_related("investor", "unit", "industry", "liaison")[:50])
            elif name == "ledger:case_list":
                rows = CaseFilterSet(request.GET or None, queryset=Case.objects.restrict(user), request=request).qs
                ledger.case_totals(rows, ledger.local_today(user))
                list(rows.select_related("organization", "unit", "owner")[:50])
            else:
                today = ledger.local_today(user)
                for unit in ledger.managed_units(user):
                    ledger.ledger(unit, today)

        return fetch

    return run


class Recorder:
    """The SQL statements run while it is active, with their durations (an execute wrapper: the
    test Client's request signals reset `connection.queries`)."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, (time.perf_counter() - started) * 1000))


def explain(statements, top: int = 2) -> None:
    """EXPLAIN ANALYZE of the slowest statements of one request (PostgreSQL)."""
    for sql, params, ms in sorted(statements, key=lambda s: -s[2])[:top]:
        print(f"    --- {ms:.1f} ms: {sql[:300]}{' …' if len(sql) > 300 else ''}")
        if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            for (line,) in cursor.fetchall():
                print(f"    {line}")


def count_rows(name: str, user: User, query: str) -> str:
    from django.http import QueryDict
    from django.test import RequestFactory

    request = RequestFactory().get("/", QueryDict(query))
    request.user = user
    if name.startswith("projects:"):
        from qiao.projects.filtersets import ProjectFilterSet

        data = request.GET.copy()
        if name == "projects:board":
            data.pop("stage", None)
        rows = ProjectFilterSet(data or None, queryset=Project.objects.restrict(user), request=request).qs
        return f"{rows.count():,}"
    if name == "ledger:case_list":
        from qiao.ledger.filtersets import CaseFilterSet

        rows = CaseFilterSet(request.GET or None, queryset=Case.objects.restrict(user), request=request).qs
        return f"{rows.count():,}"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--mode", choices=["auto", "http", "queries"], default="auto")
    parser.add_argument("--only", help="Only the pages whose URL name contains this.")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries of a slow page.")
    args = parser.parse_args()
    mode = args.mode if args.mode != "auto" else ("http" if pages_exist() else "queries")
    users = bench_users()
    print(
        f"database: {connection.vendor}; projects: {Project.all_objects.count():,}; "
        f"cases: {Case.all_objects.count():,}; mode: {mode}; repeat: {args.repeat}"
    )
    print(
        f"{'user':<14} {'page':<22} {'filter':<36} {'rows':>10} {'queries':>7} {'sql ms':>7} {'p50 ms':>8} "
        f"{'p95 ms':>8}"
    )
    missed = []
    for username, user in users.items():
        runner = (http_runner if mode == "http" else queries_runner)(user)
        for name, cases in filters(user).items():
            if args.only and args.only not in name:
                continue
            for label, query in cases:
                fetch = runner(name, query)
                recorder = Recorder()
                fetch()
                with connection.execute_wrapper(recorder):
                    fetch()
                p50, p95 = timed(fetch, args.repeat)
                flag = "" if p95 < TARGET_MS else "  > target"
                if flag:
                    missed.append((username, name, label, p95))
                print(
                    f"{username:<14} {name:<22} {label:<36} {count_rows(name, user, query):>10} "
                    f"{len(recorder.statements):>7} {sum(ms for _s, _p, ms in recorder.statements):>7.1f} "
                    f"{p50:>8.1f} {p95:>8.1f}{flag}"
                )
                if flag and args.explain:
                    explain(recorder.statements)
    print(f"over {TARGET_MS} ms at p95: {len(missed)}" + "".join(f"\n  {m}" for m in missed))


if __name__ == "__main__":
    main()
