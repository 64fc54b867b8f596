from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qiao.activities.models import Activity, ParticipationRole, ParticipationStatus
from qiao.core.models import Unit

from .. import services
from ..kinds.base import problem_text
from ..models import ImportBatch, ImportKind, ImportRow


class ImportBatchSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(read_only=True)
    created_by = serializers.StringRelatedField()
    progress = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "unit",
            "status",
            "filename",
            "size",
            "file_format",
            "encoding",
            "sheet_name",
            "header_row",
            "headers",
            "mapping",
            "row_count",
            "counts",
            "problem_count",
            "skip_invalid",
            "written",
            "error",
            "progress",
            "created_by",
            "created_at",
            "checked_at",
            "committed_at",
            "page",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}}})
    def get_progress(self, batch) -> dict:
        done, total = services.progress(batch) if batch.is_busy else (batch.row_count, batch.row_count)
        return {"done": done, "total": total}

    @extend_schema_field(OpenApiTypes.URI)
    def get_page(self, batch) -> str:
        request = self.context.get("request")
        url = reverse("imports:batch", args=[batch.pk])
        return request.build_absolute_uri(url) if request else url


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("xlsx, xls, ods or csv (UTF-8, GB18030 or Big5)."))
    kind = serializers.ChoiceField(choices=ImportKind.choices, default=ImportKind.PEOPLE)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The unit that keeps the records the file adds (for participations: the activity's)."),
    )
    mapping = serializers.JSONField(
        required=False,
        help_text=_("One field code (or null to ignore) per column; guessed from the headers when left out."),
    )
    check = serializers.BooleanField(default=True, help_text=_("Run the dry run at once (default)."))
    activity = serializers.PrimaryKeyRelatedField(
        queryset=Activity.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("For kind participations: the activity the list belongs to."),
    )
    role = serializers.ChoiceField(choices=ParticipationRole.choices, default="participant")
    status = serializers.ChoiceField(choices=ParticipationStatus.choices, default="attended")


class CheckSerializer(serializers.Serializer):
    mapping = serializers.JSONField(required=False, help_text=_("One field code (or null) per column."))


class CommitSerializer(serializers.Serializer):
    skip_invalid = serializers.BooleanField(default=False, help_text=_("Skip the rows with problems."))


class ImportRowSerializer(serializers.ModelSerializer):
    problems = serializers.SerializerMethodField()
    matches = serializers.SerializerMethodField()

    class Meta:
        model = ImportRow
        fields = ["number", "outcome", "label", "problems", "matches"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, row) -> list[str]:
        return [
            str(_("row %(row)d, column %(column)s: %(reason)s"))
            % {"row": row.number, "column": column, "reason": problem_text(code)}
            for column, code in row.problems
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "nullable": True},
                    "label": {"type": "string"},
                    "score": {"type": "number"},
                    "reasons": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    )
    def get_matches(self, row) -> list[dict]:
        visible = self.context.get("visible", set())
        kind = self.context.get("kind", "people")
        return [
            {
                "id": m["id"] if m["id"] in visible else None,
                "label": m["label"] if m["id"] in visible else "",
                "score": m["score"],
                "reasons": [services.reason_label(kind, code) for code in m["reasons"]],
            }
            for m in row.matches
        ]
