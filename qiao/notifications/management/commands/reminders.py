import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from qiao.notifications import scan

log = logging.getLogger("qiao.reminders")


class Command(BaseCommand):
    help = (
        "Find overdue and soon-due cases and tasks and notify (in-app, and by e-mail when configured), "
        "each reminder once. Run it from cron or a systemd timer, or with --loop beside the server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Scan again and again until stopped.")
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            metavar="MINUTES",
            help="Minutes between scans with --loop (default QIAO_REMINDER_EVERY_MINUTES, 15).",
        )

    def handle(self, *args, loop, every, **options):
        every = settings.QIAO_REMINDER_EVERY_MINUTES if every is None else every
        if every <= 0:
            raise CommandError("--every must be a positive number of minutes.")
        stopping = []
        if loop:
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_args: stopping.append(True))
        while True:
            try:
                scan.scan()  # logs one line with the counts and the time taken
            except Exception:  # noqa: BLE001 - in the loop, a failed scan (database away) is logged and retried
                if not loop:
                    raise
                log.exception("reminders: the scan failed; trying again in %s minutes", every)
            if not loop:
                return
            connections.close_all()  # a fresh connection for the next scan, minutes from now
            deadline = time.monotonic() + every * 60
            while not stopping and time.monotonic() < deadline:
                time.sleep(max(0.0, min(1.0, deadline - time.monotonic())))
            if stopping:
                return
