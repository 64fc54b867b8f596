from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.amounts import AmountSerializerField
from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField
from qiao.core.choices import OrganizationRegion
from qiao.core.models import Unit
from qiao.matching.models import Field
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .. import services
from ..models import Carrier, ExitKind, Milestone, Residency, ResidentKind


class CarrierSerializer(ServiceSerializer):
    """A carrier platform. `floor_area` in m² (more than zero), `capacity` in teams and enterprises
    hosted at once (at least one; empty: no limit); `hosted_now` is read-only (today, your time zone)."""

    unit = OwningUnitField(queryset=Unit.objects.all(), help_text=_("The managing unit."))
    operator = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    floor_area = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    capacity = serializers.IntegerField(required=False, allow_null=True)
    hosted_now = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Carrier
        fields = [
            "id",
            "name",
            "kind",
            "unit",
            "operator",
            "address",
            "floor_area",
            "capacity",
            "opened_on",
            "description",
            "hosted_now",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]


class MilestoneSerializer(serializers.ModelSerializer):
    """An outcome. POST to /api/residencies/{id}/milestones/: `kind` "registered" (optional
    `organization`, the company) or "funded" (`amount` in yuan, more than zero); `on` not before the
    entry and not in the future. Graduating and leaving go through /api/residencies/{id}/exit/."""

    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in services.OUTCOME_KINDS])
    amount = AmountSerializerField(required=False, allow_null=True, label=_("amount raised"))
    organization = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Milestone
        fields = ["id", "kind", "on", "amount", "organization", "note"]
        extra_kwargs = {"note": {"max_length": 300}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["kind"] = instance.kind  # graduated and left are read too
        return data


class ResidencySerializer(ServiceSerializer):
    """A team or enterprise hosted by a carrier. Scoped through the carrier's unit. `exited_on` and
    `exit_kind` change only through POST /api/residencies/{id}/exit/ (and reopen/ for managers);
    outcomes through POST /api/residencies/{id}/milestones/."""

    carrier = ScopedRelatedField(queryset=Carrier.objects.all())
    kind = serializers.ChoiceField(choices=ResidentKind.choices)
    origin = serializers.ChoiceField(choices=OrganizationRegion.choices)
    organization = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all(), required=False, allow_null=True)
    founders = ScopedRelatedField(queryset=Person.objects.all(), many=True, required=False)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Residency
        fields = [
            "id",
            "carrier",
            "kind",
            "name",
            "origin",
            "origin_country",
            "field",
            "organization",
            "founders",
            "entered_on",
            "exited_on",
            "exit_kind",
            "notes",
            "milestones",
            "created",
            "updated",
        ]
        read_only_fields = ["exited_on", "exit_kind", "created", "updated"]

    def extras(self):
        if "founders" in self.validated_data:
            return {"founders": list(self.validated_data["founders"])}
        return {}


class ExitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExitKind.choices)
    on = serializers.DateField(required=False, allow_null=True, help_text=_("Default: today (your time zone)."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


def _by_origin_field(help_text):
    return serializers.DictField(child=serializers.DictField(), help_text=help_text)


class ResidencyFiguresSerializer(serializers.Serializer):
    on = serializers.DateField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField()
    in_incubation = serializers.IntegerField(help_text=_("Hosted on `on`: entered_on <= on < exited_on."))
    ever_hosted = serializers.IntegerField(help_text=_("Entered on or before `end`."))
    entered = serializers.IntegerField(help_text=_("Entered in the period."))
    graduated = serializers.IntegerField(help_text=_("Graduated in the period."))
    graduated_ever = serializers.IntegerField(help_text=_("Graduated on or before `end`."))
    left = serializers.IntegerField(help_text=_("Left in the period."))
    enterprises_introduced = serializers.IntegerField(help_text=_("Enterprises that entered in the period."))
    landed = serializers.IntegerField(help_text=_("With a “registered” milestone in the period (enterprises: landed)."))
    funded = serializers.IntegerField(help_text=_("With a “funded” milestone in the period."))
    funding_total = AmountSerializerField(allow_zero=True, help_text=_("Sum of the funding in the period, yuan."))
    by_origin = serializers.SerializerMethodField()
    by_kind = serializers.SerializerMethodField()

    def _rows(self, rows):
        return {code: {**row, "funding_total": f"{row['funding_total']:.2f}"} for code, row in rows.items()}

    def get_by_origin(self, data) -> dict:
        return self._rows(data["by_origin"])

    def get_by_kind(self, data) -> dict:
        return self._rows(data["by_kind"])


class CarrierFiguresSerializer(serializers.Serializer):
    on = serializers.DateField()
    count = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())
    floor_area = serializers.DecimalField(max_digits=16, decimal_places=2)
    capacity = serializers.IntegerField()
    with_capacity = serializers.IntegerField()
    hosted = serializers.IntegerField()
    hosted_where_capacity = serializers.IntegerField()
    occupancy_rate = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
