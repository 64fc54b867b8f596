"""`qiao matching_index --rebuild`: build the matching index from the database and save it."""

import time

from django.core.management.base import BaseCommand, CommandError

from qiao.matching import index


class Command(BaseCommand):
    help = (
        "Build the matching index from the database (under QIAO_MATCHING_INDEX_DIR) and drop the changes it "
        "includes; web processes load the new one within QIAO_MATCHING_REFRESH_SECONDS. Without options: "
        "say what the current index holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Build the index again from the database.")
        parser.add_argument("--background", action="store_true", help="Ask the task worker to rebuild it.")

    def handle(self, *args, rebuild, background, **options):
        if background:
            from qiao.matching.tasks import rebuild_index

            rebuild_index.enqueue()
            self.stdout.write("rebuild queued for the task worker")
            return
        if rebuild:
            started = time.monotonic()
            segment = index.rebuild(progress=self.stdout.write if options["verbosity"] > 0 else None)
            self.stdout.write(
                f"matching index: {len(segment):,} people, {len(segment.terms.keys):,} terms, "
                f"built in {time.monotonic() - started:.1f} s → {index.folder()}"
            )
            return
        name = index.current_name()
        if name is None:
            raise CommandError("No matching index on disk for this database: run `qiao matching_index --rebuild`.")
        segment = index.load(name)
        meta = segment.meta
        self.stdout.write(
            f"{index.folder() / name}: {len(segment):,} people, {len(segment.terms.keys):,} terms, "
            f"built {meta.get('built_at')} in {meta.get('seconds')} s"
        )
