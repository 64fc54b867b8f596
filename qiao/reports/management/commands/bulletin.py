"""qiao bulletin --unit UNIT --from DATE --to DATE --lang zh-Hans|zh-Hant --format docx|xlsx|md -o FILE"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qiao.core import commandline
from qiao.core.context import acting
from qiao.reports import bulletin, bulletin_templates, documents, metrics


class Command(BaseCommand):
    help = (
        "Write the bulletin (简报) of a unit and everything below it for a period, as DOCX, XLSX or Markdown. "
        "The period: --from/--to, or --period ytd|month|quarter|year|since with --month 2026-05, "
        "--quarter 2026Q2 or --year 2025."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="The unit: its code or id (its subtree is counted).")
        parser.add_argument("--from", dest="start", default="", help="First day, e.g. 2026-01-01.")
        parser.add_argument("--to", dest="end", default="", help="Last day, e.g. 2026-06-30.")
        parser.add_argument("--period", default="", help="ytd, month, quarter, year, range or since.")
        parser.add_argument("--month", default="", help="A month, e.g. 2026-05.")
        parser.add_argument("--quarter", default="", help="A quarter, e.g. 2026Q2.")
        parser.add_argument("--year", default="", help="A year, e.g. 2025.")
        parser.add_argument("--lang", default="zh-Hans", help="zh-Hans (default) or zh-Hant.")
        parser.add_argument("--format", dest="fmt", default="", help="docx, xlsx or md (default: from -o's suffix).")
        parser.add_argument("-o", "--output", required=True, help="The file to write.")
        parser.add_argument("--exact", action="store_true", help="Exact figures instead of 4230余, 上千 …")
        parser.add_argument(
            "--template", default="", help="A bulletin template's id or name (default: the shared one)."
        )
        parser.add_argument("--user", default="", help="Whose figures (default: a superuser's, that is all records).")

    def handle(
        self, *args, unit, start, end, period, month, quarter, year, lang, fmt, output, exact, template, user, **o
    ):
        target = commandline.output_file(output)
        fmt = (fmt or target.suffix.lstrip(".")).lower()
        if fmt not in documents.CONTENT_TYPES:
            raise CommandError(f"--format: “{fmt}” is not one of docx, xlsx, md.")
        lang = lang.lower()
        if lang not in bulletin.LANGUAGES:
            raise CommandError(f"--lang: “{lang}” is not one of zh-Hans, zh-Hant.")
        reader = commandline.acting_user(user, missing="There is no superuser whose figures to use; give --user.")
        params = {"from": start, "to": end, "period": period, "month": month, "quarter": quarter, "year": year}
        try:
            with acting(user=reader, source="command"):
                where = metrics.scope(reader, unit)
                chosen = bulletin_templates.find_template(reader, template) if template else None
                made = bulletin.build(
                    reader,
                    period=bulletin.period_from({k: v for k, v in params.items() if v}, where),
                    lang=lang,
                    exact=exact,
                    template=chosen,
                    where=where,
                )
        except ValidationError as error:
            raise CommandError(commandline.message(error)) from None
        data = documents.render(made, fmt)
        commandline.write_whole(target, data)
        self.stdout.write(self.style.SUCCESS(f"wrote {output} ({len(data)} bytes): {made.title}"))
