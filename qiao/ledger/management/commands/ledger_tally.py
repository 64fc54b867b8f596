import time

from django.core.management.base import BaseCommand, CommandError

from qiao.ledger import tally


class Command(BaseCommand):
    help = (
        "The stored counts of live cases by unit and status (the ledger's unfiltered totals): --rebuild "
        "counts them again from the cases, --check compares them with a fresh count and fails when they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Count every unit's cases again.")
        parser.add_argument("--check", action="store_true", help="Compare the stored counts with a fresh count.")

    def handle(self, *args, rebuild, check, **options):
        if not rebuild and not check:
            raise CommandError("Say --rebuild or --check.")
        if rebuild:
            started = time.monotonic()
            written = tally.rebuild()
            self.stdout.write(f"{written:,} tally rows in {time.monotonic() - started:.1f} s")
        if check:
            found = tally.differences()
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(f"The stored case counts differ from the cases ({len(found)} shown).")
            self.stdout.write("The stored case counts equal the cases.")
