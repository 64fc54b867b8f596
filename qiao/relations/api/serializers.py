from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.activities.models import Activity
from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField
from qiao.core.models import Unit, User
from qiao.orgs.models import Organization
from qiao.people.models import Person

from ..models import Interaction, InteractionKind, KeyContact


def _agreements():
    from qiao.agreements.models import Agreement

    return Agreement.objects.all()


class InteractionSerializer(ServiceSerializer):
    """One contact with people and/or organisations (at least one). `occurred_at` is a moment (ISO 8601;
    without an offset it is read in your time zone); `occurred_on` is its local day for whoever logged it."""

    unit = OwningUnitField(queryset=Unit.objects.all())
    people = ScopedRelatedField(queryset=Person.objects.all(), many=True, required=False)
    organizations = ScopedRelatedField(queryset=Organization.objects.all(), many=True, required=False)
    staff = ScopedRelatedField(queryset=User.objects.all(), many=True, required=False)
    activity = ScopedRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True)
    agreement = ScopedRelatedField(queryset=_agreements(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=InteractionKind.choices)
    summary = serializers.CharField(max_length=20000)
    follow_up = serializers.CharField(max_length=300, required=False, allow_blank=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "occurred_at",
            "occurred_on",
            "people",
            "organizations",
            "staff",
            "summary",
            "activity",
            "agreement",
            "follow_up",
            "follow_up_on",
            "follow_up_done_on",
            "logged_by",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["occurred_on", "follow_up_done_on", "logged_by", "created", "updated"]

    def extras(self):
        data = self.validated_data
        extras = {}
        for name in ("people", "organizations", "staff"):
            if name in data:
                extras[name] = list(data[name])
        return extras


class KeyContactSerializer(ServiceSerializer):
    """A person or an organisation (exactly one) a unit keeps in touch with every `cadence_days` days
    (at least 1). `last_contact_on` and `due_on` are computed; kind `liaison` is for organisations."""

    unit = OwningUnitField(queryset=Unit.objects.all())
    person = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    organization = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    responsible = ScopedRelatedField(queryset=User.objects.all())
    cadence_days = serializers.IntegerField(help_text=_("At least 1."))
    since = serializers.DateField(required=False)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = KeyContact
        fields = [
            "id",
            "kind",
            "person",
            "organization",
            "unit",
            "cadence_days",
            "responsible",
            "since",
            "last_contact_on",
            "due_on",
            "overdue",
            "reason",
            "ended_on",
            "created",
            "updated",
        ]
        read_only_fields = ["last_contact_on", "due_on", "ended_on", "created", "updated"]
        validators = []  # "once per unit" is checked by services.py, with a message naming the party

    def get_overdue(self, obj) -> bool:
        today = self.context.get("today")
        return bool(today and obj.ended_on is None and obj.due_on < today)

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("person", "organization", "unit"):
                if name in attrs and getattr(attrs[name], "pk", None) != getattr(self.instance, f"{name}_id"):
                    raise serializers.ValidationError(
                        {name: _("This does not change on a key contact: end it and mark another.")}
                    )
        return attrs


class EndSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text=_("Default: today (your time zone)."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FollowUpSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text=_("Default: today (your time zone)."))
    done = serializers.BooleanField(required=False, default=True)


class InteractionFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Interactions."))
    by_kind = serializers.DictField(child=serializers.IntegerField(), help_text=_("Interactions per kind."))
    people = serializers.IntegerField(help_text=_("Distinct people contacted."))
    organizations = serializers.IntegerField(help_text=_("Distinct organisations contacted."))
    follow_ups_open = serializers.IntegerField(help_text=_("Interactions with a follow-up date not done yet."))


class UnitFiguresSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    active = serializers.IntegerField()
    overdue = serializers.IntegerField()


class KeyContactFiguresSerializer(serializers.Serializer):
    today = serializers.DateField(help_text=_("Your local today, against which overdue is counted."))
    active = serializers.IntegerField(help_text=_("Key contacts not ended."))
    overdue = serializers.IntegerField(help_text=_("Active key contacts due before today."))
    due_today = serializers.IntegerField(help_text=_("Active key contacts due today."))
    liaisons = serializers.IntegerField(help_text=_("Active one-to-one liaisons."))
    ended = serializers.IntegerField(help_text=_("Key contacts ended."))
    by_unit = UnitFiguresSerializer(many=True)
