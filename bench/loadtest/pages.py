"""The load test's pages one at a time: time, query count and the slowest queries of each, with EXPLAIN.

Where `run.py` measures many users at once through gunicorn, this opens every page of the mix in-process
(Django's test client, the same middleware) as one demo user, a few times each, and reports per page the
median and worst time, the number of queries, and the slowest queries. With --explain it prints
`EXPLAIN (ANALYZE, BUFFERS)` of each page's slowest queries on PostgreSQL (`EXPLAIN QUERY PLAN` on SQLite):
the notes in bench/RESULTS.md come from this.

    DATABASE_URL=... python bench/loadtest/pages.py --user base-a-staff --repeat 5 [--explain 2] [--only search]

Reads only, except "save a person" and "add a participant", which post the same forms as the load test
(the person's notes gain or lose a trailing " ·"; a participant already on the list is answered the same way).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
os.environ.setdefault("QIAO_2FA_REQUIRED_ROLES", "")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from forms import post_forms  # noqa: E402

from qiao.core.models import User  # noqa: E402

SEARCHES = ["陈", "李", "黄", "張", "王", "林", "Chan", "Wong", "Lee", "陳大", "李嘉", "ho"]


def ids(html: str, prefix: str) -> list[int]:
    return sorted({int(pk) for pk in re.findall(rf'href="{re.escape(prefix)}(\d+)/"', html)})


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join("    " + " | ".join(str(c) for c in row) for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="base-a-staff")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", type=int, default=0, metavar="N", help="EXPLAIN each page's N slowest queries")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=args.user))
    people = ids(client.get("/people/").content.decode(), "/people/")
    activities = ids(client.get("/activities/").content.decode(), "/activities/")
    demands = ids(client.get("/matching/").content.decode(), "/matching/demands/")

    def save_person():
        pk = random.choice(people)
        page = client.get(f"/people/{pk}/edit/").content.decode()
        fields = next(f["fields"] for f in post_forms(page) if "name" in dict(f["fields"]))
        notes = dict(fields).get("notes", "")
        changed = notes[:-2] if notes.endswith(" ·") else notes + " ·"
        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(changed if name == "notes" else value)
        return client.post(f"/people/{pk}/edit/", data)

    def add_participant():
        return client.post(
            f"/activities/{random.choice(activities)}/participants/",
            {"person": random.choice(people), "role": "participant", "status": "registered"},
        )

    pages = [
        ("read: list people", lambda: client.get("/people/")),
        ("read: search people", lambda: client.get("/people/", {"q": random.choice(SEARCHES)})),
        ("read: open a person", lambda: client.get(f"/people/{random.choice(people)}/")),
        ("read: list activities", lambda: client.get("/activities/")),
        (
            "read: list activities (filters)",
            lambda: client.get(
                "/activities/"
                + random.choice(["?date_from=2024-01-01", "?date_from=2023-01-01&date_to=2023-12-31", "?page=2", ""])
            ),
        ),
        ("read: list demands", lambda: client.get("/matching/")),
        ("read: a demand's matches", lambda: client.get(f"/matching/demands/{random.choice(demands)}/candidates/")),
        ("read: dashboard /reports/", lambda: client.get("/reports/")),
        ("write: edit a person (form)", lambda: client.get(f"/people/{random.choice(people)}/edit/")),
        ("write: save a person", save_person),
        ("write: add a participant (activity page)", lambda: client.get(f"/activities/{random.choice(activities)}/")),
        ("write: add a participant", add_participant),
    ]
    print(f"{connection.vendor}; user {args.user}; {args.repeat} runs per page after one warm-up\n")
    print("| page | p50 ms | max ms | queries | slowest query ms |\n|---|---:|---:|---:|---:|")
    notes = []
    for name, fetch in pages:
        if args.only and args.only not in name:
            continue
        fetch()  # warm-up
        times, worst = [], None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = fetch()
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code >= 400:
                raise SystemExit(f"{name}: {response.status_code}")
            times.append(elapsed)
            if worst is None or elapsed >= worst[0]:
                worst = (elapsed, list(queries.captured_queries))
        slow = sorted(worst[1], key=lambda q: -float(q["time"]))
        print(
            f"| {name} | {statistics.median(times):.0f} | {max(times):.0f} | {len(worst[1])} | "
            f"{float(slow[0]['time']) * 1000:.0f} |"
        )
        for query in slow[: args.explain]:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                notes.append(f"\n## {name}: {float(query['time']) * 1000:.0f} ms\n    {query['sql'][:600]}\n")
                notes.append(explain(query["sql"]))
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
