from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField
from qiao.core.models import Unit
from qiao.orgs.models import Organization
from qiao.people.models import Person

from ..models import Activity, ActivityKind, Participation, Programme, Series, TargetGroup


class ActivitySerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    kind = serializers.SlugRelatedField(slug_field="code", queryset=ActivityKind.objects.all())
    target_groups = serializers.SlugRelatedField(
        slug_field="code", queryset=TargetGroup.objects.all(), many=True, required=False
    )
    partners = ScopedRelatedField(queryset=Organization.objects.all(), many=True, required=False)
    co_organisers = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    series = ScopedRelatedField(queryset=Series.objects.all(), required=False, allow_null=True)
    programme = ScopedRelatedField(queryset=Programme.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "start_date",
            "end_date",
            "place",
            "unit",
            "co_organisers",
            "partners",
            "target_groups",
            "series",
            "edition",
            "programme",
            "description",
            "registration_open",
            "registration_closes",
            "capacity",
            "consent_text",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [_("The end date is before the start date.")]})
        return attrs


class SeriesSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    kind = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityKind.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Series
        fields = ["id", "name", "kind", "description", "unit", "created", "updated"]
        read_only_fields = ["created", "updated"]


class ProgrammeSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())

    class Meta:
        model = Programme
        fields = ["id", "name", "description", "start_date", "end_date", "goal", "unit", "created", "updated"]
        read_only_fields = ["created", "updated"]


class ParticipationSerializer(serializers.ModelSerializer):
    activity = ScopedRelatedField(queryset=Activity.objects.all())
    person = ScopedRelatedField(queryset=Person.objects.all())

    class Meta:
        model = Participation
        fields = [
            "id",
            "activity",
            "person",
            "role",
            "status",
            "first_visit_declared",
            "checked_in_at",
            "source",
            "notes",
            "date",
            "created",
            "updated",
        ]
        read_only_fields = ["checked_in_at", "source", "date", "created", "updated"]


class FiguresSerializer(serializers.Serializer):
    batches = serializers.IntegerField()
    registered = serializers.IntegerField()
    person_times = serializers.IntegerField()
    people = serializers.IntegerField()
    first_timers = serializers.IntegerField()
    declared_first = serializers.IntegerField()
    by_region = serializers.DictField(child=serializers.IntegerField())
    by_role = serializers.DictField(child=serializers.IntegerField())
