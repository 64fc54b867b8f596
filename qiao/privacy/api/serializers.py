from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.models import Unit

from ..models import Consent, ConsentMethod, ConsentPurpose, DataCategory, LegalBasis, Transfer, TransferRegion


class ConsentSerializer(serializers.ModelSerializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "purpose",
            "purpose_other",
            "given_on",
            "method",
            "withdrawn_on",
            "note",
            "active",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "person", "withdrawn_on", "unit", "created", "updated"]


class WithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField(required=False, help_text=_("Default: today."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransferSerializer(serializers.ModelSerializer):
    region = serializers.ChoiceField(choices=TransferRegion.choices)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=DataCategory.choices))
    to_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    date = serializers.DateField(required=False)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "person",
            "date",
            "from_unit",
            "to_unit",
            "to_text",
            "region",
            "purpose",
            "categories",
            "legal_basis",
            "source",
            "by",
            "note",
            "created",
        ]
        read_only_fields = ["id", "person", "from_unit", "source", "by", "created"]


class EraseSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("The request and its date; not the person's name."))
    confirm_name = serializers.CharField(help_text=_("The person's name exactly as registered, to confirm."))


class ErasureSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    erased_at = serializers.DateTimeField()
    counts_kept = serializers.DictField()
    cleared = serializers.DictField()
