"""qiao backup [-o FILE]: the database, the uploaded files and a manifest in one archive."""

from django.core.management.base import BaseCommand, CommandError

from qiao.core import backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database and the uploaded files (MEDIA_ROOT) with a manifest, as one "
        ".tar.gz (or .tar) file. Safe while Qiao runs. Default file: var/backups/qiao-<time>.tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="", help="The archive to write (.tar.gz, .tgz or .tar).")

    def handle(self, *args, output, **options):
        try:
            path, manifest = backup.create(output or None)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"wrote {path}: {backup.summary(manifest)}"))
