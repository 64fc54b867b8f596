from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField, TagListField
from qiao.core.models import Tag, Unit

from ..models import Organization
from ..services import clean_registration


class OrganizationSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    parent = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    tags = TagListField(required=False)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "name_latin",
            "kind",
            "region",
            "country",
            "industry",
            "registration_kind",
            "registration_number",
            "parent",
            "address",
            "phone",
            "website",
            "notes",
            "tags",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate(self, attrs):
        number = attrs.get("registration_number")
        kind = attrs.get("registration_kind", getattr(self.instance, "registration_kind", ""))
        if number:
            try:
                attrs["registration_number"] = clean_registration(kind, number)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"registration_number": error.messages}) from error
        parent = attrs.get("parent")
        if parent is not None and self.instance is not None:
            node = parent
            while node is not None:
                if node.pk == self.instance.pk:
                    raise serializers.ValidationError(
                        {"parent": _("An organisation cannot be its own parent or ancestor.")}
                    )
                node = node.parent
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return data

    def extras(self):
        if "tags" in self.validated_data:
            return {"m2m": {"tags": Tag.for_names(self.validated_data["tags"])}}
        return {}

    def nested_fields(self):
        return ("tags",)
