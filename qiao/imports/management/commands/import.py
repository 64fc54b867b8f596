from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from qiao.core.context import acting
from qiao.core.models import Unit, User
from qiao.imports import headers, readers, services
from qiao.imports.errors import FileProblem
from qiao.imports.kinds import KINDS
from qiao.people import linkage

ALIASES = {"organisations": "organizations"}


class Command(BaseCommand):
    help = "Import people or organisations from a spreadsheet (xlsx, xls, ods, csv): dry run or commit, all or nothing."
    # no system checks: they import every URL module and view (about a second of a 10,000-row import's
    # time, bench/RESULTS.md); `qiao check` and every server start run them
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=[*KINDS, *ALIASES], help="What the file holds: people or organizations (organisations)."
        )
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="Owning unit of new records: its code or id.")
        parser.add_argument("--user", default="", help="Act as this user (default: the first superuser).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument("--skip-invalid", action="store_true", help="Commit the good rows, skip the bad.")

    def handle(self, *args, **options):
        with services.collector_paused():  # the whole command, reading and the dictionaries' load included
            self._import(**options)

    def _import(self, *, kind, file, unit, user, dry_run, skip_invalid, **options):
        kind = ALIASES.get(kind, kind)
        unit_obj = Unit.objects.filter(code=unit).first() or (
            Unit.objects.filter(pk=unit).first() if unit.isdigit() else None
        )
        if unit_obj is None:
            raise CommandError(f"No unit with code or id {unit!r}.")
        actor = User.objects.filter(username=user).first() if user else User.objects.filter(is_superuser=True).first()
        if actor is None:
            raise CommandError("No such user (and no superuser to act as).")
        path = Path(file)
        if kind == "people":
            linkage.prepare_soon()  # while the file is read in its sandbox
        try:
            sheet = readers.read_table(path.read_bytes(), path.name)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except FileProblem as problem:
            raise CommandError(problem.message) from problem
        mapping = headers.guess_mapping(sheet.headers, kind)
        self.stdout.write(
            "columns: "
            + ", ".join(
                f"{sheet.column_letter(i)} {h} → {m or '—'}"
                for i, (h, m) in enumerate(zip(sheet.headers, mapping, strict=True))
            )
        )
        with acting(user=actor, source="command"):
            report = services.plan(actor, sheet, mapping, kind=kind)
            for line in report.problems():
                self.stdout.write(line)
            counts = report.counts()
            self.stdout.write(
                "rows: {new} new, {same} already known, {review} to review, {error} with problems".format(**counts)
            )
            if dry_run:
                return
            try:
                written = services.commit(actor, unit_obj, report, skip_invalid=skip_invalid, source=path.name)
            except (ValueError, PermissionDenied) as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                "committed: {created} created, {updated} updated, {unchanged} unchanged, {queued} queued for review, "
                "{skipped} skipped".format(**written)
            )
        )
