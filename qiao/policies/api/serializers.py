from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField
from qiao.core.models import Unit

from .. import services
from ..models import Benefit, BenefitKind, Policy

RULE_HELP = _(
    'The eligibility rule as JSON: {"all": [...]}, {"any": [...]}, {"not": {...}} or a condition '
    '{"attr": "age", "op": "le", "value": 35}; {} means no conditions. Checked when saved: a rule that '
    "is not valid or can never be true is refused (400) with messages naming the condition."
)


class BenefitSerializer(serializers.ModelSerializer):
    """A benefit inside its policy. Give `id` to keep (and change) an existing benefit; benefits left
    out of a policy's `benefits` list are removed."""

    id = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.SlugRelatedField(slug_field="code", queryset=BenefitKind.objects.all())
    rule = serializers.JSONField(required=False, default=dict, help_text=RULE_HELP)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    amount_max = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)

    class Meta:
        model = Benefit
        fields = ["id", "kind", "name", "amount", "amount_max", "amount_note", "description", "rule"]

    def validate_rule(self, rule):
        problems = services.rule_problems(rule)
        if problems:
            raise serializers.ValidationError(problems)
        return rule or {}

    def validate(self, attrs):
        amount, amount_max = attrs.get("amount"), attrs.get("amount_max")
        if amount is not None and amount_max is not None and amount_max < amount:
            raise serializers.ValidationError({"amount_max": _("“Up to” is less than the amount.")})
        return attrs


class PolicySerializer(ServiceSerializer):
    """A policy with its benefits. Every signed-in user reads every policy; staff of the owning unit
    (or a unit above it) write; deleting needs a manager."""

    unit = OwningUnitField(queryset=Unit.objects.all())
    benefits = BenefitSerializer(many=True, required=False)
    source_file = serializers.FileField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:policy-detail")

    class Meta:
        model = Policy
        fields = [
            "id",
            "url",
            "title",
            "issuer",
            "region",
            "effective_from",
            "effective_to",
            "document_number",
            "source_url",
            "source_file",
            "summary",
            "unit",
            "benefits",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate(self, attrs):
        start = attrs.get("effective_from", getattr(self.instance, "effective_from", None))
        end = attrs.get("effective_to", getattr(self.instance, "effective_to", None))
        if start and end and end < start:
            raise serializers.ValidationError({"effective_to": _("The end date is before the start date.")})
        return attrs

    def nested_fields(self):
        return ("benefits",)

    def extras(self):
        if "benefits" in self.validated_data:
            return {"benefits": [dict(item) for item in self.validated_data["benefits"]]}
        return {}


class ConditionResultSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("The condition's number in the rule: 1, 2.1 …"))
    attribute = serializers.CharField(allow_null=True)
    op = serializers.CharField()
    state = serializers.ChoiceField(choices=["held", "failed", "unknown"])
    reason = serializers.CharField(help_text=_("In plain words, in the reader's language."))
    requirement = serializers.CharField(help_text=_("What the condition asks."))
    must_hold = serializers.BooleanField(help_text=_("False for a condition under “not”: it must not hold."))

    def to_representation(self, result):
        condition = result.condition
        return {
            "number": condition.number,
            "attribute": condition.attr.code if condition.attr else None,
            "op": condition.op,
            "state": result.state,
            "reason": result.reason,
            "requirement": result.requirement,
            "must_hold": result.needed,
        }


class EligibilitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="benefit_id", help_text=_("The benefit."))
    name = serializers.CharField(source="benefit.name")
    kind = serializers.CharField(source="benefit.kind.code")
    amount = serializers.DecimalField(source="benefit.amount", max_digits=14, decimal_places=2, allow_null=True)
    amount_max = serializers.DecimalField(source="benefit.amount_max", max_digits=14, decimal_places=2, allow_null=True)
    amount_note = serializers.CharField(source="benefit.amount_note")
    policy = serializers.IntegerField(source="policy_id")
    policy_title = serializers.CharField(source="benefit.policy.title")
    eligible = serializers.BooleanField(help_text=_("The rule holds for this person on the date."))
    status = serializers.ChoiceField(
        choices=["yes", "nearly", "no"],
        help_text=_("yes: eligible; nearly: at most two conditions missing (listed in `missing`); no."),
    )
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("One line per condition."))
    missing = ConditionResultSerializer(many=True, help_text=_("What is missing to qualify (status nearly)."))
    conditions = ConditionResultSerializer(many=True)


class BenefitQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("The date of application; default today."))
    status = serializers.MultipleChoiceField(choices=["yes", "nearly", "no"], required=False)
