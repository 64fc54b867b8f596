from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, RelatedTextField, ScopedRelatedField
from qiao.core.models import Unit
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .. import services
from ..models import DEMAND_TERMS, Demand, Field, Language, Match, MatchStage, Plan, PlanTask, TalentProfile, WorkMode


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "code", "name", "name_hant", "name_en", "parent", "synonyms", "position"]


class DemandSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    organization = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    fields = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all(), many=True, required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), required=False, help_text=_("Language codes.")
    )

    class Meta:
        model = Demand
        fields = [
            "id",
            "title",
            "kind",
            "description",
            "organization",
            "unit",
            "status",
            *DEMAND_TERMS,
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate(self, attrs):
        instance = self.instance or Demand()
        probe = Demand(**{f.attname: getattr(instance, f.attname) for f in Demand._meta.concrete_fields})
        for key, value in attrs.items():
            if key != "fields":
                setattr(probe, key, value)
        try:
            services.check_demand(probe)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs

    def extras(self):
        return {"fields": self.validated_data["fields"]} if "fields" in self.validated_data else {}


class TalentProfileSerializer(serializers.ModelSerializer):
    fields = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all(), many=True, required=False)
    languages = serializers.ListField(child=serializers.ChoiceField(choices=Language.choices), required=False)
    work_modes = serializers.ListField(child=serializers.ChoiceField(choices=WorkMode.choices), required=False)

    class Meta:
        model = TalentProfile
        fields = [
            "fields",
            "skills",
            "experience_years",
            "languages",
            "work_modes",
            "availability",
            "contact_consent",
            "employment_status",
            "residence",
            "signed_local_employer",
            "desired_places",
            "updated",
        ]
        read_only_fields = ["updated"]


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    ok = serializers.BooleanField(
        allow_null=True, help_text=_("Met (true), not met (false), partly or unknown (null).")
    )
    text = serializers.CharField(help_text=_("The reason in plain words, in the caller's language."))
    points = serializers.FloatField(help_text=_("What it adds to the score."))


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "name_latin", "region", "employer", "title"]


class DemandBriefSerializer(serializers.ModelSerializer):
    organization_name = RelatedTextField(source="organization.name")

    class Meta:
        model = Demand
        fields = ["id", "title", "kind", "organization", "organization_name", "place", "valid_until"]


class CandidateSerializer(serializers.Serializer):
    person = PersonBriefSerializer()
    score = serializers.FloatField(help_text=_("0–100, higher fits better."))
    reasons = ReasonSerializer(many=True)
    stage = serializers.CharField(allow_blank=True, help_text=_("The stage when the person is already followed."))


class OpportunitySerializer(serializers.Serializer):
    demand = DemandBriefSerializer()
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)


class MatchStepSerializer(serializers.Serializer):
    stage = serializers.CharField()
    note = serializers.CharField()
    by = serializers.CharField(source="by.username", default="")
    at = serializers.DateTimeField()


class MatchSerializer(serializers.ModelSerializer):
    demand = ScopedRelatedField(queryset=Demand.objects.all())
    person = ScopedRelatedField(queryset=Person.objects.all())
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=2000)
    steps = MatchStepSerializer(many=True, read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "demand",
            "person",
            "stage",
            "score",
            "reasons",
            "notes",
            "note",
            "steps",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["score", "reasons", "notes", "unit", "created", "updated"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("demand", "person"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: _("A match cannot move to another demand or person.")})
        elif attrs.get("stage", MatchStage.PROPOSED) != MatchStage.PROPOSED:
            raise serializers.ValidationError({"stage": _("A new match starts as proposed; move it afterwards.")})
        return attrs


class PlanTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTask
        fields = ["id", "what", "assignee", "assignee_text", "due", "done"]


class PlanSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    matches = ScopedRelatedField(queryset=Match.objects.all(), many=True, required=False)
    tasks = PlanTaskSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "person",
            "status",
            "goal",
            "responsible",
            "matches",
            "benefits",
            "tasks",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["unit", "created", "updated"]
