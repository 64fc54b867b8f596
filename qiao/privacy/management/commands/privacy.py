"""qiao privacy export|erase|retention|locate: people's rights from the command line.

  qiao privacy export PERSON_ID -o FILE [--user USERNAME]
  qiao privacy erase PERSON_ID --reason TEXT [--user USERNAME]
  qiao privacy retention [--years N] [--unit UNIT] [--flag] [--user USERNAME]
  qiao privacy locate UNIT [MAINLAND|HK|MO|TW|OVERSEAS]

Without --user, commands act as the first active superuser (and are logged under that name).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from qiao.core import commandline
from qiao.core.context import acting
from qiao.core.models import Unit


class Command(BaseCommand):
    help = "People's rights: export a person's data, erase it, review retention, say where a unit is."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True, metavar="export|erase|retention|locate")
        exporting = commands.add_parser("export", help="Everything about one person, as one .zip file.")
        exporting.add_argument("person", help="The person's id.")
        exporting.add_argument("-o", "--output", required=True, help="The .zip file to write.")
        exporting.add_argument("--user", default="", help="Who asks (a manager of the owning unit).")
        erasing = commands.add_parser("erase", help="Erase one person's personal data for good.")
        erasing.add_argument("person", help="The person's id.")
        erasing.add_argument("--reason", required=True, help="The request and its date.")
        erasing.add_argument("--user", default="", help="Who erases (a manager of the owning unit).")
        retention = commands.add_parser("retention", help="People not touched for the retention period.")
        retention.add_argument("--years", default=None, help="Default: QIAO_RETENTION_YEARS (5).")
        retention.add_argument("--unit", default="", help="Only this unit and the units below it (code or id).")
        retention.add_argument("--flag", action="store_true", help="Put them on the retention review page.")
        retention.add_argument("--user", default="", help="Whose people (default: everyone's).")
        locate = commands.add_parser("locate", help="Say (or show) where a unit is: MAINLAND, HK, MO, TW, OVERSEAS.")
        locate.add_argument("unit", help="The unit's code or id.")
        locate.add_argument("region", nargs="?", default="", help="Leave out to show where the unit is.")

    def handle(self, *args, command, **options):
        user = commandline.acting_user(options.pop("user", "") or "")
        try:
            with acting(user=user, source="command"):
                getattr(self, f"do_{command}")(user, **options)
        except (ValidationError, PermissionDenied, Http404) as error:
            raise CommandError(commandline.message(error) or "not allowed") from None

    def person(self, user, value: str):
        from qiao.privacy import services

        if not str(value).isdigit():
            raise CommandError(f"PERSON_ID: “{value}” is not a number.")
        try:
            return services.managed_person(user, int(value))
        except Http404:
            raise CommandError(f"PERSON_ID: there is no person {value} that this user may see.") from None

    def unit(self, value: str) -> Unit:
        found = Unit.objects.filter(code=value).first() or (
            Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None
        )
        if found is None:
            raise CommandError(f"--unit: there is no unit “{value}”.")
        return found

    def do_export(self, user, person, output, **options):
        from qiao.privacy.export import export_person

        target = commandline.output_file(output)
        found = self.person(user, person)
        _name, data = export_person(user, found)
        commandline.write_whole(target, data)
        self.stdout.write(self.style.SUCCESS(f"wrote {output} ({len(data)} bytes): all data about person {found.pk}"))

    def do_erase(self, user, person, reason, **options):
        from qiao.privacy.erasure import erase

        found = self.person(user, person)
        record = erase(found, user, reason)
        kept = ", ".join(f"{label} {n}" for label, n in sorted(record.counts_kept.items())) or "—"
        self.stdout.write(self.style.SUCCESS(f"erased person {found.pk}; kept for the figures: {kept}"))

    def do_retention(self, user, years, unit, flag, **options):
        from qiao.privacy import services

        scope = self.unit(unit) if unit else None
        people, cutoff = services.untouched(years, scope, services.people_for(user, "view").filter(deleted_at=None))
        rows = list(people.select_related("unit").order_by("pk"))
        touched = services.last_touched(p.pk for p in rows)
        for person in rows:
            last = touched.get(person.pk)
            self.stdout.write(f"{person.pk}\t{person.name}\t{person.unit}\t{last or ''}")
        self.stdout.write(f"{len(rows)} people not touched since {cutoff}.")
        if flag:
            flags = services.flag_untouched(user, years, scope)
            self.stdout.write(self.style.SUCCESS(f"flagged {len(flags)} for the retention review."))

    def do_locate(self, user, unit, region, **options):
        from qiao.privacy import services

        found = self.unit(unit)
        if region:
            services.set_unit_region(user, found, region.upper())
        self.stdout.write(f"{found}: {services.unit_region(found)}")
