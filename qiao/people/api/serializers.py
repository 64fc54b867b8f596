from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField, TagListField
from qiao.core.models import Unit
from qiao.orgs.models import Organization

from ..models import Affiliation, DocumentKind, Education, Person, PersonRole, PersonShare
from ..services import check_origin, clean_document, clean_phones


class DocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    number = serializers.CharField(max_length=40)
    country = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        missing = {name: [_("This field is required.")] for name in ("kind", "number") if not attrs.get(name)}
        if missing:  # a PATCH makes nested fields optional; a document still needs both
            raise serializers.ValidationError(missing)
        try:
            attrs["number"] = clean_document(attrs["kind"], attrs["number"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"number": error.messages}) from error
        return attrs


class EducationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Education
        fields = ["degree", "institution", "country", "field", "year"]


class PersonSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    documents = DocumentSerializer(many=True, required=False)
    education = EducationSerializer(many=True, required=False)
    phones = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    emails = serializers.ListField(child=serializers.EmailField(), required=False)
    tags = TagListField(required=False)
    roles = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=PersonRole.objects.all()
    )
    employer_org = ScopedRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:person-detail")

    class Meta:
        model = Person
        fields = [
            "id",
            "url",
            "name",
            "name_latin",
            "gender",
            "birth_date",
            "region",
            "country",
            "unit",
            "documents",
            "phones",
            "emails",
            "education",
            "employer",
            "employer_org",
            "title",
            "tags",
            "roles",
            "profile",
            "consent_date",
            "consent_scope",
            "consent_source",
            "notes",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def nested_fields(self):
        return ("documents", "education", "tags")

    def validate_phones(self, phones):
        region = self.initial_data.get("region") or getattr(self.instance, "region", "")
        try:
            return clean_phones(phones, region)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error

    def validate_emails(self, emails):
        return list(dict.fromkeys(e.strip().lower() for e in emails))

    def validate(self, attrs):
        try:
            check_origin(
                attrs.get("region", getattr(self.instance, "region", "")),
                attrs.get("country", getattr(self.instance, "country", "")),
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["documents"] = [
            {"kind": d.kind, "number": d.number, "country": d.country} for d in instance.documents.all()
        ]
        return data

    def extras(self):
        data = self.validated_data
        out = {}
        for name in ("documents", "education", "tags", "roles"):
            if name in data:
                out[name] = data[name]
        return out


class PersonShareSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())

    class Meta:
        model = PersonShare
        fields = ["unit", "access", "note"]


class AffiliationSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    person = ScopedRelatedField(queryset=Person.objects.all())
    organization = ScopedRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = Affiliation
        fields = ["id", "person", "organization", "kind", "title", "start", "end", "unit"]

    def validate(self, attrs):
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": _("The end date is before the start date.")})
        return attrs
