"""Time of the reminder scan (issue 6) at scale: overdue and soon-due cases and tasks notified once.

Usage (against a database filled by `qiao synth ... --cases 1000000 --tasks 5000000 --today DAY`):
    DATABASE_URL=... python bench/reminders_bench.py [--now 2026-11-21T08:00] [--keep] [--runs 2]

Deletes the notifications (unless --keep) and forgets the last scan, then runs
`qiao.notifications.scan.scan(now)` with a fixed `now` (in settings.TIME_ZONE) several times: the
first run creates the notifications, the next ones must create none (no duplicates). Prints each
run's time and counts, the statements that took longest in the first run, and checks that no user
has the same notification twice. Target: under 30 s.
"""

import argparse
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from qiao.ledger.models import ACTIVE_STATUSES, Case, CaseTask  # noqa: E402

TARGET_S = 30


class Recorder:
    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, (time.perf_counter() - started) * 1000))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", default="2026-11-21T08:00", help="The scan's `now`, local time (settings.TIME_ZONE).")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="Keep the notifications already there.")
    args = parser.parse_args()
    try:
        from qiao.notifications import scan as reminders  # lazily: written in parallel with this bench
    except ImportError as error:
        raise SystemExit(f"qiao.notifications.scan is not there yet: {error}") from None
    from django.core.cache import cache

    from qiao.notifications.models import Notification

    now = timezone.make_aware(datetime.datetime.fromisoformat(args.now))
    today = timezone.localdate(now)
    active = Case.objects.filter(status__in=ACTIVE_STATUSES)
    print(
        f"database: {connection.vendor}; cases: {Case.all_objects.count():,} ({active.count():,} active, "
        f"{active.filter(due_date__lt=today).count():,} overdue); tasks: {CaseTask.objects.count():,} "
        f"({CaseTask.objects.filter(done=False, due_date__lt=today, case__status__in=ACTIVE_STATUSES).count():,} "
        f"overdue); now: {now.isoformat()}; e-mail: {'on' if settings.QIAO_EMAIL_ENABLED else 'off'}"
    )
    if not args.keep:
        deleted = Notification.objects.all()._raw_delete(connection.alias)
        print(f"deleted {deleted:,} notifications")
        cache.delete(getattr(reminders, "LAST_SCAN_KEY", "qiao:reminders:last-scan"))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Notification._meta.db_table}")
    for run in range(1, args.runs + 1):
        recorder = Recorder()
        started = time.perf_counter()
        with connection.execute_wrapper(recorder):
            counts = reminders.scan(now=now)
        seconds = time.perf_counter() - started
        flag = "" if seconds < TARGET_S else "  > target"
        print(f"run {run}: {seconds:.2f} s{flag}; {counts}; notifications now: {Notification.objects.count():,}")
        if run == 1:
            for sql, ms in sorted(recorder.statements, key=lambda s: -s[1])[:6]:
                print(f"    {ms:>9.1f} ms  {' '.join(sql.split())[:160]}")
    twice = Notification.objects.values("user", "key").annotate(n=Count("id")).filter(n__gt=1).count()
    print(f"notifications given twice to the same user: {twice}")
    by_kind = dict(Notification.objects.values_list("kind").annotate(n=Count("id")))
    print(f"by kind: {by_kind}")


if __name__ == "__main__":
    main()
