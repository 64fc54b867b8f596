from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.activities.models import Activity
from qiao.core.amounts import AmountSerializerField
from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField
from qiao.core.models import Unit, User
from qiao.matching.models import Field
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .. import services
from ..models import Project, ProjectPerson, Stage, Tranche

WRITE_ONLY = ("note", "confirm_over_plan", "over_plan_note")


class ProjectPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectPerson
        fields = ["person", "role"]


class ProjectSerializer(ServiceSerializer):
    """A project. Amounts are exact decimal strings in yuan. `stage` and `stage_on` are given when the
    project is created (lead, visited, negotiating or signed; default lead, today); afterwards the
    stage moves only through POST /api/projects/{id}/move/, and `landed_amount` is the sum of the
    tranches (POST /api/projects/{id}/tranches/)."""

    unit = OwningUnitField(queryset=Unit.objects.all())
    investor = ScopedRelatedField(queryset=Organization.objects.all())
    industry = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all(), required=False, allow_null=True)
    referral_person = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    referral_organization = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    signing_activity = ScopedRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True)
    liaison = ScopedRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    planned_amount = AmountSerializerField(required=False, allow_null=True, label=_("planned investment"))
    landed_amount = AmountSerializerField(read_only=True, label=_("landed amount"))
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    stage_on = serializers.DateField(required=False)
    # "" until the project is dropped (declared here so the schema says it may be blank)
    dropped_from = serializers.ChoiceField(choices=Stage.choices, allow_blank=True, read_only=True)
    people = ProjectPersonSerializer(source="project_people", many=True, read_only=True)
    note = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000, help_text=_("Note on the first stage.")
    )
    confirm_over_plan = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_("Confirm a planned investment below the funds already landed (give over_plan_note)."),
    )
    over_plan_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "investor",
            "origin",
            "origin_country",
            "industry",
            "kind",
            "description",
            "planned_amount",
            "landed_amount",
            "referral_person",
            "referral_organization",
            "signing_activity",
            "liaison",
            "unit",
            "stage",
            "stage_on",
            "signed_on",
            "dropped_from",
            "dropped_reason",
            "over_plan_note",
            "people",
            "note",
            "confirm_over_plan",
            "created",
            "updated",
        ]
        read_only_fields = ["signed_on", "dropped_from", "dropped_reason", "created", "updated"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("stage", "stage_on"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: _("The stage changes only by moving the project: POST /api/projects/{id}/move/.")}
                    )
        elif attrs.get("stage", Stage.LEAD) not in services.CREATE_STAGES:
            raise serializers.ValidationError(
                {"stage": _("A new project starts at lead, visited, negotiating or signed; then it moves on.")}
            )
        return attrs

    def nested_fields(self):
        return WRITE_ONLY

    def extras(self):
        data = self.validated_data
        return {
            "note": data.get("note", ""),
            "confirm_over_plan": data.get("confirm_over_plan", False),
            "over_plan_note": data.get("over_plan_note", ""),
        }


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    on = serializers.DateField(required=False, allow_null=True, help_text=_("Default: today (your time zone)."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Required when dropping.")
    )


class TrancheSerializer(serializers.ModelSerializer):
    """Funds put in place on a date. `confirm` (with a `note`) keeps a landed total above the plan."""

    amount = AmountSerializerField(label=_("amount"))
    confirm = serializers.BooleanField(write_only=True, required=False, default=False)
    by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Tranche
        fields = ["id", "project", "on", "amount", "note", "by", "confirm", "created", "updated"]
        read_only_fields = ["project", "by", "created", "updated"]
        extra_kwargs = {"note": {"max_length": 2000}}


class TotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Projects."))
    planned = AmountSerializerField(allow_zero=True, help_text=_("Sum of the planned investments, yuan."))
    landed = AmountSerializerField(allow_zero=True, help_text=_("Sum of the landed amounts, yuan."))
    signed = serializers.IntegerField(help_text=_("Projects ever signed (with a signing date)."))
    in_production = serializers.IntegerField(help_text=_("Projects in production."))
    production_rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text=_("in_production ÷ signed, in percent, rounded half up to one decimal; null when none signed."),
    )
