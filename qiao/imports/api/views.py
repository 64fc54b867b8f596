from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from qiao.activities.models import Activity
from qiao.core import scoping
from qiao.core.api.parsers import JSONParser

from .. import services
from ..errors import FileProblem
from ..filtersets import ImportBatchFilterSet
from ..kinds.base import OUTCOMES
from ..models import BatchStatus, ImportBatch, ImportRow
from .serializers import (
    CheckSerializer,
    CommitSerializer,
    ImportBatchSerializer,
    ImportRowSerializer,
    UploadSerializer,
)


def _invalid(error: ValidationError, field: str = "non_field_errors") -> drf.ValidationError:
    return drf.ValidationError({field: error.messages})


class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Spreadsheet imports: upload a file, check it (the dry run), read the report, commit.

    A small file is checked and written during the request (the answer is 200/201 with the
    outcome); a large one goes to the background worker (202) — poll the batch for `status`
    and `progress`."""

    queryset = ImportBatch.objects.select_related("unit", "created_by").defer("content")
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSON: the project's, without NUL
    write_action = "add"

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view")

    def get_object(self):
        # a batch abandoned by a process that died mid-way is made retryable (see services.recover_stale)
        return services.recover_stale(super().get_object())

    def _batch_for_writing(self):
        batch = self.get_object()
        if not scoping.may(self.request.user, "add", batch.unit_id):
            raise PermissionDenied
        return batch

    def _answer(self, batch, created=False):
        code = status.HTTP_202_ACCEPTED if batch.is_busy else (status.HTTP_201_CREATED if created else 200)
        return Response(ImportBatchSerializer(batch, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: ImportBatchSerializer})
    def create(self, request):
        """Upload a file. Unless `check` is false, the dry run follows at once."""
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        activity = form.validated_data.get("activity")
        if activity is not None and not Activity.objects.restrict(request.user).filter(pk=activity.pk).exists():
            raise drf.ValidationError({"activity": [_("Choose an activity you may change for this list.")]})
        unit = activity.unit if activity is not None else form.validated_data.get("unit")
        if unit is None:
            raise drf.ValidationError({"unit": [_("Choose the unit the new records belong to.")]})
        try:
            if upload.size > settings.QIAO_IMPORT_MAX_BYTES:
                raise ValidationError(services.file_problem_text(FileProblem("too_large", "")))
            batch = services.upload(
                request.user,
                unit,
                form.validated_data["kind"],
                upload.name,
                upload.read(),
                activity=activity,
                options={"role": form.validated_data["role"], "status": form.validated_data["status"]},
            )
        except ValidationError as error:
            raise _invalid(error, "file") from error
        if form.validated_data["check"]:
            try:
                batch = services.check(request.user, batch, form.validated_data.get("mapping"))
            except ValidationError as error:
                batch.error = " ".join(error.messages)  # the batch stays, waiting for a better mapping
        return self._answer(batch, created=True)

    @extend_schema(request=CheckSerializer, responses={200: ImportBatchSerializer, 202: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Run the dry run again, with a new column mapping if given."""
        batch = self._batch_for_writing()
        form = CheckSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            batch = services.check(request.user, batch, form.validated_data.get("mapping"))
        except ValidationError as error:
            raise _invalid(error, "mapping" if error.code == "mapping" else "non_field_errors") from error
        return self._answer(batch)

    @extend_schema(request=CommitSerializer, responses={200: ImportBatchSerializer, 202: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Write the checked batch: all accepted rows in one transaction, or nothing."""
        batch = self._batch_for_writing()
        form = CommitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            batch = services.commit_batch(request.user, batch, skip_invalid=form.validated_data["skip_invalid"])
        except ValidationError as error:
            raise _invalid(error) from error
        if batch.status == BatchStatus.CHECKED and batch.error:  # the commit found problems and wrote nothing
            raise drf.ValidationError({"non_field_errors": [batch.error]})
        return self._answer(batch)

    @extend_schema(request=None, responses={200: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Give the batch up: its file is deleted, nothing is written."""
        batch = self._batch_for_writing()
        try:
            services.cancel(request.user, batch)
        except ValidationError as error:
            raise _invalid(error) from error
        return self._answer(batch)

    @extend_schema(
        parameters=[OpenApiParameter("outcome", str, enum=list(OUTCOMES), description="new, same, review or error")],
        responses=ImportRowSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def rows(self, request, pk=None):
        """The dry run row by row: outcome, problems as "row N, column X: reason", and the known
        records the row may be (named only when the caller may see them)."""
        batch = self.get_object()
        rows = ImportRow.objects.filter(batch=batch)
        outcome = request.query_params.get("outcome", "")
        if outcome:
            if outcome not in OUTCOMES:
                raise drf.ValidationError({"outcome": [f"one of {', '.join(OUTCOMES)}"]})
            rows = rows.filter(outcome=outcome)
        page = self.paginate_queryset(rows)
        visible = services.visible_targets(request.user, batch, page)
        data = ImportRowSerializer(page, many=True, context={"visible": visible, "kind": batch.kind}).data
        return self.get_paginated_response(data)
