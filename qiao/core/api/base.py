"""Base classes for every API viewset: scoped querysets, writes through services, history."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action

from .. import concurrency, search, services
from ..models import ChangeRecord


class ChangeRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeRecord
        fields = ["id", "time", "user_name", "request_id", "action", "before", "after"]


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "This record was changed after you read it: nothing was saved. Read it again (GET) and send your change "
        "with the new ETag in If-Match."
    )
    default_code = "precondition_failed"


class VersionedMixin:
    """Optimistic concurrency for records with an `updated` stamp.

    A retrieve, and the answer to a PUT or PATCH, carry `ETag` (a hash of the record's `updated`) and
    `Last-Modified`. A PUT, PATCH or DELETE sent with `If-Match: <etag>` or `If-Unmodified-Since: <date>`
    is refused with 412 when the record changed since, checked with the row locked inside the write's
    transaction; without these headers a write behaves as before (the last one wins)."""

    versioned_actions = ("retrieve", "update", "partial_update")

    def get_object(self):
        obj = super().get_object()
        self.versioned_object = obj
        return obj

    def _preconditions(self):
        if_match = self.request.headers.get("If-Match", "").strip()
        since = parse_http_date_safe(self.request.headers.get("If-Unmodified-Since", ""))
        when = datetime.datetime.fromtimestamp(since, tz=datetime.UTC) if since is not None else None
        return if_match, when

    def _guarded(self, write, request, *args, **kwargs):
        if_match, since = self._preconditions()
        if not if_match and since is None:
            return write(request, *args, **kwargs)
        with transaction.atomic():
            obj = self.get_object()
            if not concurrency.check_etag(obj, if_match, since):
                raise PreconditionFailed()
            return write(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        return self._guarded(super().update, request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        return self._guarded(super().destroy, request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        obj = getattr(self, "versioned_object", None)
        if (
            obj is not None
            and concurrency.versioned(obj)
            and self.action in self.versioned_actions
            and (200 <= response.status_code < 300 or response.status_code == 412)
        ):
            updated = obj.updated if request.method in ("GET", "HEAD") else concurrency.current_stamp(obj, lock=False)
            if updated is not None:
                response["ETag"] = concurrency.etag(obj, updated)
                response["Last-Modified"] = http_date(updated.timestamp())
        return super().finalize_response(request, response, *args, **kwargs)


class ScopedViewSet(VersionedMixin, viewsets.ModelViewSet):
    """A model viewset that only ever reaches records the caller may see.

    Subclasses name `queryset`, `serializer_class` and `filterset_class`; `?q=` runs the
    cross-script search when the model is searchable.
    """

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    save_service = staticmethod(services.save)

    def get_queryset(self):
        queryset = super().get_queryset().restrict(self.request.user, "view")
        query = self.request.query_params.get("q", "").strip() if self.action == "list" else ""
        if query and issubclass(queryset.model, search.SearchableModel):
            queryset = search.search(queryset, query)
        return queryset

    def perform_create(self, serializer):
        serializer.instance = self.save_service(self.request.user, serializer.build(), **serializer.extras())

    def perform_update(self, serializer):
        serializer.instance = self.save_service(self.request.user, serializer.build(), **serializer.extras())

    def perform_destroy(self, instance):
        services.delete(self.request.user, instance)

    @extend_schema(responses=ChangeRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """The record's change history, newest first (read-only: history cannot be edited)."""
        obj = self.get_object()
        changes = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).order_by("-time", "-id")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(ChangeRecordSerializer(page, many=True).data)


def searchable(viewset_class):
    """Document `?q=` on a viewset's list."""
    return extend_schema_view(
        list=extend_schema(
            parameters=[
                OpenApiParameter(
                    "q",
                    str,
                    description=(_("Search in any script: Chinese characters, pinyin, Jyutping, Latin name.")),
                )
            ]
        )
    )(viewset_class)


class ServiceSerializer(serializers.ModelSerializer):
    """A model serializer whose save goes through the services layer.

    `build()` returns an unsaved instance with the validated scalar fields applied; `extras()`
    returns the many-to-many values and an `after` hook for nested children.
    """

    def build(self) -> models.Model:
        data = dict(self.validated_data)
        instance = self.instance or self.Meta.model()
        for field in instance._meta.many_to_many:
            data.pop(field.name, None)
        for name in self.nested_fields():
            data.pop(name, None)
        for key, value in data.items():
            setattr(instance, key, value)
        return instance

    def nested_fields(self) -> tuple[str, ...]:
        return ()

    def extras(self) -> dict:
        model = self.Meta.model
        m2m = {f.name: self.validated_data[f.name] for f in model._meta.many_to_many if f.name in self.validated_data}
        return {"m2m": m2m} if m2m else {}
