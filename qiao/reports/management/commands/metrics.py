"""`qiao metrics [--lang zh-hans|zh-hant|en]`: the metric catalogue as Markdown (docs/metrics.md is this
command's output in Simplified Chinese; a test keeps the two equal)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from qiao.reports import catalogue_text


class Command(BaseCommand):
    help = "Print the metric catalogue (names, definitions, units, breakdowns) as Markdown."

    def add_arguments(self, parser):
        parser.add_argument("--lang", default="zh-hans", help="zh-hans (default), zh-hant or en.")

    def handle(self, *args, lang, **options):
        if lang.lower() not in ("zh-hans", "zh-hant", "en"):
            raise CommandError("--lang: use zh-hans, zh-hant or en.")
        with translation.override(lang.lower()):
            self.stdout.write(catalogue_text.markdown(), ending="")
