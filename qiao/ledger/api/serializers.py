from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qiao.activities.attachments import check_file
from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, RelatedTextField, ScopedRelatedField
from qiao.core.models import Unit, User
from qiao.orgs.models import Organization
from qiao.people.models import Person
from qiao.projects.models import Project

from .. import services
from ..models import ActionKind, Case, CaseAction, CaseStatus, CaseTask, ServiceKind, ServiceRecord


@extend_schema_field(OpenApiTypes.INT)
class PeopleField(serializers.PrimaryKeyRelatedField):
    """A user who may own a case or be assigned a task: a member of one of the caller's units or of a
    unit above them (the service checks the case's own unit)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return User.objects.none()
        return services.owner_choices(request.user)


class CodeField(serializers.SlugRelatedField):
    """An entry of a shared list by its code; a code no column can hold (a NUL character, which
    multipart forms let through) is simply not found."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


def _raise(error: DjangoValidationError):
    raise serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class CaseSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    organization = ScopedRelatedField(queryset=Organization.objects.all())
    project = ScopedRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    raised_by = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    owner = PeopleField(required=False, allow_null=True)
    status = serializers.CharField(
        read_only=True,
        help_text=_("open, in_progress, resolved, closed or cannot_resolve: changed by POST {id}/status/."),
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "organization",
            "project",
            "category",
            "description",
            "raised_by",
            "raised_by_name",
            "raised_on",
            "priority",
            "owner",
            "due_date",
            "status",
            "status_note",
            "resolved_on",
            "closed_on",
            "source",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "status_note", "resolved_on", "closed_on", "source", "created", "updated"]
        extra_kwargs = {"raised_on": {"required": False}}

    def validate(self, attrs):
        instance = self.instance or Case()
        probe = Case(**{f.attname: getattr(instance, f.attname) for f in Case._meta.concrete_fields})
        for key, value in attrs.items():
            setattr(probe, key, value)
        if probe.raised_on is None:
            probe.raised_on = services.local_today(self.context["request"].user)
            attrs["raised_on"] = probe.raised_on
        try:
            services.check_case(self.context["request"].user, probe)
        except DjangoValidationError as error:
            _raise(error)
        return attrs


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=_("The resolution (resolving), the reason (cannot resolve) or why it is reopened."),
    )


class ReassignSerializer(serializers.Serializer):
    owner = PeopleField(allow_null=True, help_text=_("The new owner; null: nobody."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CaseTaskSerializer(ServiceSerializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    assignee = PeopleField(required=False, allow_null=True)
    done_by = RelatedTextField(source="done_by.username")

    class Meta:
        model = CaseTask
        fields = ["id", "case", "title", "assignee", "due_date", "done", "done_at", "done_by", "created", "updated"]
        read_only_fields = ["done", "done_at", "created", "updated"]

    def validate(self, attrs):
        if self.instance is not None and "case" in attrs and attrs["case"] != self.instance.case:
            raise serializers.ValidationError({"case": _("A task stays with its case.")})
        return attrs


class CaseActionSerializer(serializers.ModelSerializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    attachment = serializers.FileField(write_only=True, required=False, allow_null=True)
    attachment_url = serializers.SerializerMethodField()
    by = RelatedTextField(source="by.username")

    class Meta:
        model = CaseAction
        fields = ["id", "case", "kind", "on", "note", "attachment", "attachment_name", "attachment_url", "by",
                  "recorded_at"]  # fmt: skip
        read_only_fields = ["attachment_name", "recorded_at"]
        extra_kwargs = {"on": {"required": False}, "kind": {"choices": ActionKind.choices}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_attachment_url(self, obj) -> str:
        return reverse("ledger:action_attachment", args=[obj.pk]) if obj.attachment else ""

    def validate_attachment(self, upload):
        if upload:
            try:
                check_file(upload)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return upload


class ServiceRecordSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    kind = CodeField(
        slug_field="code",
        queryset=ServiceKind.objects.all(),
        help_text=_("The code of the kind of service (see the shared lists)."),
    )
    person = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    organization = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    case = ScopedRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)
    by = RelatedTextField(source="by.username")

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "kind",
            "on",
            "person",
            "organization",
            "people_served",
            "summary",
            "case",
            "by",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]
        extra_kwargs = {"people_served": {"min_value": 1, "max_value": 1_000_000}, "on": {"required": False}}

    def validate(self, attrs):
        def value(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        if value("person") is None and value("organization") is None:
            raise serializers.ValidationError(
                {"person": _("Say whom the service was for: a person or an organisation.")}
            )
        if self.instance is None and attrs.get("on") is None:
            attrs["on"] = services.local_today(self.context["request"].user)
        return attrs
