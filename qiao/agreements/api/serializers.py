import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qiao.activities.models import Activity
from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, RelatedTextField, ScopedRelatedField
from qiao.core.days import local_today
from qiao.core.models import Unit, User
from qiao.orgs.models import Organization

from .. import services
from ..models import Agreement, AgreementKind, AgreementStatus, Commitment


def _today(serializer) -> datetime.date:
    context = serializer.context
    if "today" not in context:
        request = context.get("request")
        context["today"] = local_today(getattr(request, "user", None))
    return context["today"]


class PartySerializer(serializers.Serializer):
    """An organisation party to the agreement, with its role."""

    organization = ScopedRelatedField(queryset=Organization.objects.all())
    name = serializers.CharField(source="organization.name", read_only=True)
    role = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class CommitmentSerializer(serializers.ModelSerializer):
    """A commitment of an agreement. `done` true ticks it off (today, your local day; by you), false
    unticks it. `overdue`: not done and due before today (your local day)."""

    agreement = ScopedRelatedField(queryset=Agreement.objects.all())
    owner = ScopedRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    party = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    done = serializers.BooleanField(required=False, help_text=_("Ticked off."))
    done_by = RelatedTextField(source="done_by.username")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "agreement",
            "text",
            "owner",
            "party",
            "due_on",
            "note",
            "done",
            "done_on",
            "done_by",
            "overdue",
            "created",
            "updated",
        ]
        read_only_fields = ["done_on", "created", "updated"]

    def validate(self, attrs):
        if self.instance is not None and "agreement" in attrs and attrs["agreement"] != self.instance.agreement:
            raise serializers.ValidationError({"agreement": _("A commitment stays with its agreement.")})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["done"] = instance.done_on is not None
        return data

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(_today(self))


class NestedCommitmentSerializer(CommitmentSerializer):
    """A commitment inside its agreement (written only when the agreement is created)."""

    class Meta(CommitmentSerializer.Meta):
        fields = [name for name in CommitmentSerializer.Meta.fields if name not in ("agreement", "done")]
        extra_kwargs = {"text": {"allow_blank": True}}

    agreement = None
    done = None


class AgreementSerializer(ServiceSerializer):
    """A cooperation agreement. `parties` (organisations with a role) and `our_units` are written with
    the agreement, in one transaction, by the same rules as the pages: at least one organisation, at
    least two parties in all; a sister agreement needs two organisations. `commitments` may be given
    when the agreement is created (afterwards: /api/commitments/). `status` is derived (in_force,
    expired, ended) on your local day; ending and reopening: POST `{id}/end/` and `{id}/reopen/`."""

    unit = OwningUnitField(queryset=Unit.objects.all())
    kind = serializers.ChoiceField(choices=AgreementKind.choices)
    parties = PartySerializer(many=True, required=False)
    our_units = ScopedRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    signing_activity = ScopedRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True)
    commitments = NestedCommitmentSerializer(many=True, required=False)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "kind",
            "unit",
            "parties",
            "our_units",
            "signed_on",
            "signing_activity",
            "starts_on",
            "ends_on",
            "scope",
            "notes",
            "status",
            "ended",
            "ended_on",
            "end_reason",
            "commitments",
            "created",
            "updated",
        ]
        read_only_fields = ["ended", "ended_on", "end_reason", "created", "updated"]

    @extend_schema_field(serializers.ChoiceField(choices=AgreementStatus.choices))
    def get_status(self, obj) -> str:
        status = getattr(obj, "status", None)
        return status if status in AgreementStatus.values else services.status_of(obj, _today(self))

    def validate(self, attrs):
        if self.instance is not None and attrs.get("commitments"):
            raise serializers.ValidationError(
                {"commitments": _("Add commitments to an existing agreement through /api/commitments/.")}
            )
        return attrs

    def nested_fields(self):
        return ("parties", "commitments", "our_units")

    def save_through(self, user) -> Agreement:
        data = self.validated_data
        parties = None
        if "parties" in data:
            parties = [services.Party(row["organization"], row.get("role", "")) for row in data["parties"]]
        elif self.instance is None:
            parties = []
        return services.save_agreement(
            user,
            self.build(),
            parties=parties,
            our_units=data.get("our_units") if "our_units" in data or self.instance is None else None,
            commitments=[dict(row) for row in data.get("commitments", ())],
        )


class AgreementEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True, help_text=_("Default: today (your time zone)."))
    end_reason = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")


class AgreementFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Agreements of the filter."))
    signed = serializers.IntegerField(help_text=_("Of them, signed in the period (signed_from … signed_to)."))
    signed_by_kind = serializers.DictField(child=serializers.IntegerField(), help_text=_("The same, by kind."))
    in_force = serializers.IntegerField(help_text=_("In force on `on`."))
    expired = serializers.IntegerField(help_text=_("Term over before `on`, not ended."))
    ended = serializers.IntegerField(help_text=_("Ended on or before `on`."))
    sister_pairs = serializers.IntegerField(
        help_text=_("Distinct organisation pairs linked by sister agreements in force on `on`.")
    )
    commitments = serializers.IntegerField()
    commitments_done = serializers.IntegerField()
    commitments_overdue = serializers.IntegerField(help_text=_("Not done, due before today (your local day)."))
    on = serializers.DateField(help_text=_("The day the state is read: signed_to if before today, else today."))
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
