from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qiao.activities.models import Activity
from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField, TagListField
from qiao.core.models import Unit
from qiao.orgs.models import Organization
from qiao.people.models import Person

from ..models import InternshipApplication, InternshipPosition, Placement


def _check_dates(attrs, instance, start="start_date", end="end_date"):
    first = attrs.get(start, getattr(instance, start, None))
    last = attrs.get(end, getattr(instance, end, None))
    if first and last and last < first:
        raise serializers.ValidationError({end: _("The end date is before the start date.")})


class PositionSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    organization = ScopedRelatedField(queryset=Organization.objects.all())
    skills = TagListField(required=False)
    applied_count = serializers.IntegerField(read_only=True, help_text=_("Applications not withdrawn."))
    placed_count = serializers.IntegerField(read_only=True, help_text=_("Placements made."))

    class Meta:
        model = InternshipPosition
        fields = [
            "id",
            "title",
            "organization",
            "description",
            "requirements",
            "skills",
            "slots",
            "start_date",
            "end_date",
            "place",
            "work_mode",
            "status",
            "unit",
            "applied_count",
            "placed_count",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]
        extra_kwargs = {"slots": {"min_value": 1}}

    def validate(self, attrs):
        _check_dates(attrs, self.instance)
        return attrs

    def extras(self):
        if "skills" in self.validated_data:
            return {"skills": self.validated_data["skills"]}
        return {}

    def nested_fields(self):
        return ("skills",)


class PlacementSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Placement
        fields = ["id", "batch", "start_date", "end_date", "outcome"]


class ApplicationSerializer(serializers.ModelSerializer):
    """Creating an application records that the person applies; afterwards only the status (applied,
    shortlisted, rejected, withdrawn) and the notes change. Placing goes through /internship-placements/."""

    position = ScopedRelatedField(queryset=InternshipPosition.objects.all())
    person = ScopedRelatedField(queryset=Person.objects.all())
    placement = serializers.SerializerMethodField()

    class Meta:
        model = InternshipApplication
        fields = ["id", "position", "person", "status", "notes", "applied_at", "placement", "created", "updated"]
        read_only_fields = ["created", "updated"]
        extra_kwargs = {"applied_at": {"required": False}, "status": {"required": False}}
        validators = []  # one application per person and position: the service answers (and reopens withdrawn ones)

    @extend_schema_field(PlacementSummarySerializer(allow_null=True))
    def get_placement(self, obj):
        placement = Placement.objects.filter(application=obj).first()
        return PlacementSummarySerializer(placement).data if placement else None

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("position", "person"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: _("An application's position and person cannot change: record a new application.")}
                    )
        elif attrs.get("status", "applied") != "applied":
            raise serializers.ValidationError({"status": _("A new application has the status “applied”.")})
        return attrs


class PlacementSerializer(serializers.ModelSerializer):
    """Creating a placement places the applicant in the batch (an activity of the kind "internship-batch");
    the dates default to the batch's. Deleting it cancels the placement."""

    application = ScopedRelatedField(queryset=InternshipApplication.objects.all())
    batch = ScopedRelatedField(queryset=Activity.objects.all())
    position = serializers.PrimaryKeyRelatedField(source="application.position", read_only=True)
    person = serializers.PrimaryKeyRelatedField(source="application.person", read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "application",
            "position",
            "person",
            "batch",
            "start_date",
            "end_date",
            "outcome",
            "notes",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]
        extra_kwargs = {"start_date": {"required": False}}

    def validate(self, attrs):
        if self.instance is not None and "application" in attrs and attrs["application"] != self.instance.application:
            raise serializers.ValidationError(
                {"application": _("A placement's application cannot change: cancel it and place again.")}
            )
        _check_dates(attrs, self.instance)
        return attrs
