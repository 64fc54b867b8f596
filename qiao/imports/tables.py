import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ImportBatch


class ImportBatchTable(tables.Table):
    filename = tables.Column(linkify=True)
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")
    created_by = tables.Column(verbose_name=_("uploaded by"))
    result = tables.Column(verbose_name=_("result"), empty_values=(), orderable=False)

    class Meta:
        model = ImportBatch
        fields = ("filename", "kind", "unit", "row_count", "status", "result", "created_by", "created_at")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_result(self, record):
        counts = record.written or record.counts
        if record.written:
            return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
                "created": counts.get("created", 0),
                "updated": counts.get("updated", 0),
                "unchanged": counts.get("unchanged", 0),
            }
        if counts:
            return _("%(new)d new, %(same)d known, %(review)d to review, %(error)d with problems") % {
                k: counts.get(k, 0) for k in ("new", "same", "review", "error")
            }
        return "—"

    def value_result(self, record):
        return str(self.render_result(record))
