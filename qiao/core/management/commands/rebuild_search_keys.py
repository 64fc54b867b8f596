import time

from django.apps import apps
from django.core.management.base import BaseCommand

from qiao.core import search


class Command(BaseCommand):
    help = "Rebuild the cross-script search keys of every searchable record (people, organisations, …)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, batch, **options):
        for model in apps.get_models():
            if not issubclass(model, search.SearchableModel):
                continue
            started, records, keys = time.monotonic(), 0, 0
            queryset = model._base_manager.order_by("pk")
            if hasattr(model, "documents"):
                queryset = queryset.prefetch_related("documents")
            last = 0
            while True:
                chunk = list(queryset.filter(pk__gt=last)[:batch])
                if not chunk:
                    break
                keys += search.index(chunk, model)
                records += len(chunk)
                last = chunk[-1].pk
            self.stdout.write(
                f"{model._meta.label}: {records} records, {keys} keys in {time.monotonic() - started:.1f} s"
            )
