import time

from django.core.management.base import BaseCommand, CommandError

from qiao.activities import aggregates


class Command(BaseCommand):
    help = (
        "The stored aggregates behind the activity figures (tallies per activity, first attendances per "
        "person): --rebuild computes them again from every participation, --check compares them with a "
        "recomputation and fails when they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Compute every stored row again.")
        parser.add_argument("--check", action="store_true", help="Compare the stored rows with a recomputation.")

    def handle(self, *args, rebuild, check, **options):
        if not rebuild and not check:
            raise CommandError("Say --rebuild or --check.")
        if rebuild:
            started = time.monotonic()
            written = aggregates.rebuild()
            self.stdout.write(
                f"{written['tallies']:,} tallies, {written['first_attendances']:,} first attendances "
                f"in {time.monotonic() - started:.1f} s"
            )
        if check:
            found = aggregates.differences()
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(f"The stored figures differ from the participations ({len(found)} shown).")
            self.stdout.write("The stored figures equal the participations.")
