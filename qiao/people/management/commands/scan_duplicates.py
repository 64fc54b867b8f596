import time

from django.core.management.base import BaseCommand

from qiao.people import merging


class Command(BaseCommand):
    help = "Compare every person with the registry and queue likely duplicates for review (/people/duplicates/)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch, **options):
        started = time.monotonic()
        queued = merging.scan(
            batch=batch,
            progress=lambda last: self.stdout.write(f"… up to id {last}") if options["verbosity"] > 1 else None,
        )
        self.stdout.write(f"{queued} new pairs queued in {time.monotonic() - started:.1f} s")
