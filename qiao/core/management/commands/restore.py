"""qiao restore FILE [--yes]: put a backup made by `qiao backup` back in place of the database and media."""

import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from qiao.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `qiao backup`: checks the manifest and checksums, refuses a backup of a newer "
        "Qiao or of another database vendor, then REPLACES the database and the uploaded files and checks the row "
        "counts. Stop the web server and workers first, or expect their requests to wait."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup archive.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file, yes, **options):
        path = Path(file)
        media_root = Path(settings.MEDIA_ROOT)
        scratch = media_root.parent if media_root.parent.is_dir() else None
        try:
            with tempfile.TemporaryDirectory(dir=scratch, prefix=".qiao-restore-") as folder:
                checked = backup.unpack(path, Path(folder))
                backup.check_compatible(checked.manifest)
                self.stdout.write(f"{path}: {backup.summary(checked.manifest)}")
                if not yes and not self.confirm(checked.manifest):
                    raise CommandError("Nothing was restored.")
                different = backup.restore(checked)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        if different:
            lines = ", ".join(
                f"{table}: {want} expected, {got} found" for table, (want, got) in sorted(different.items())
            )
            raise CommandError(f"The restore finished but row counts differ from the backup's: {lines}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {path}: {sum(checked.manifest['row_counts'].values())} rows in "
                f"{len(checked.manifest['row_counts'])} tables and {len(checked.media)} files; row counts match. "
                "Run `qiao migrate` if this Qiao is newer than the backup."
            )
        )

    def confirm(self, manifest: dict) -> bool:
        where = connection.settings_dict.get("NAME")
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError("Refusing to restore without confirmation: run it in a terminal, or add --yes.")
        self.stdout.write(
            self.style.WARNING(
                f"This REPLACES every record of the database {where} and every file under {settings.MEDIA_ROOT} "
                f"with the backup's (made {manifest.get('created')}). Changes made since then are lost."
            )
        )
        answer = input("Type yes to restore: ")
        return answer.strip().lower() == "yes"
