"""Latency of the relationship pages at scale (issue 7), as the web views serve them: the contact log,
key contacts (all, overdue, mine), agreements and overdue commitments, hosted teams, proposals, the
figures page for this year and for all time, a busy person's timeline, and the home page with its
key-contact card — for a base's manager and the centre's manager.

Usage (against a database filled by, for example,
`qiao synth --people 200000 --organizations 20000 --interactions 1000000 --agreements 20000
 --carriers 300 --proposals 20000`):
    DATABASE_URL=... python bench/relations_bench.py [--repeat 15]

Each page is requested through Django's test Client, logged in, and the whole response is timed
(middleware, queries, template). Prints per page the SQL statements of one request and the median
and 95th percentile in milliseconds. Target (the issues' figure for list pages): under 300 ms.
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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qiao.core.models import Membership, Unit, User  # noqa: E402
from qiao.relations.models import Interaction, KeyContact  # noqa: E402

TARGET_MS = 300


def bench_users() -> dict[str, User]:
    centre = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    base = Unit.objects.filter(parent=centre).order_by("pk").first()
    users = {}
    for name, unit in (("bench7-base", base), ("bench7-centre", centre)):
        user, _ = User.objects.get_or_create(username=name, defaults={"display_name": name})
        Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": "manager"})
        users[name] = user
    # the base manager is responsible for some of the base's key contacts (the "mine" filter, home card)
    mine = KeyContact.objects.filter(unit=base, ended_on__isnull=True).order_by("pk").values("pk")[:200]
    KeyContact.objects.filter(pk__in=mine).update(responsible=users["bench7-base"])
    return users


def busiest_person(unit: Unit):
    through = Interaction.people.through
    row = (
        through.objects.filter(interaction__unit__path__startswith=unit.path)
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["person_id"] if row else None


def pages(person_id) -> list[tuple[str, str]]:
    year = time.strftime("%Y")
    result = [
        ("contact log", "/relations/interactions/"),
        ("contact log, visits this year", f"/relations/interactions/?kind=visit&date_from={year}-01-01"),
        ("key contacts", "/relations/key-contacts/"),
        ("key contacts overdue", "/relations/key-contacts/?overdue=1"),
        ("my key contacts", "/relations/key-contacts/?responsible=mine"),
        ("agreements", "/agreements/"),
        ("agreements in force", "/agreements/?status=in_force"),
        ("commitments overdue", "/agreements/commitments/?overdue=1"),
        ("carriers", "/carriers/"),
        ("hosted now", "/carriers/residents/?status=present"),
        ("proposals", "/proposals/"),
        ("figures, this year", "/relations/figures/"),
        ("figures, all time", "/relations/figures/?date_from=2000-01-01"),
        ("home", "/"),
    ]
    if person_id:
        result += [
            ("person page", f"/people/{person_id}/"),
            ("person timeline", f"/relations/timeline/person/{person_id}/"),
        ]
    return result


def main() -> None:
    from django.core import signals
    from django.db import close_old_connections

    # keep one connection through the requests, so that the statements of one request can be counted
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    users = bench_users()
    print(
        f"{connection.vendor}: {Interaction.objects.count():,} interactions, "
        f"{KeyContact.objects.count():,} key contacts"
    )
    worst = 0.0
    for name, user in users.items():
        unit = user.memberships.first().unit
        client = Client()
        client.force_login(user)
        print(f"\n{name} ({unit})")
        for label, url in pages(busiest_person(unit)):
            client.get(url)  # warm
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
            worst = max(worst, p95)
            flag = "" if p95 < TARGET_MS else "  <-- over target"
            print(
                f"  {label:32s} {len(queries.captured_queries):3d} queries  "
                f"median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms{flag}"
            )
    print(f"\nworst p95: {worst:.1f} ms (target {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
