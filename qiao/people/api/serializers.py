from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qiao.core import sensitive
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
        person = getattr(self.root, "instance", None)
        if isinstance(person, Person) and person.pk:  # a masked number sent back unchanged keeps the stored one
            stored = [(d.kind, d.number) for d in person.documents.all()]
            attrs["number"] = sensitive.restore_document(attrs["kind"], attrs["number"], stored)
        try:
            attrs["number"] = clean_document(attrs["kind"], attrs["number"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"number": error.messages}) from error
        return attrs


class EducationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Education
        fields = ["degree", "institution", "country", "field", "year"]


MASKED_HELP = _(
    "Partly masked (e.g. A123***(*), +852 ****4567, c***@example.org) unless your role in the owning unit "
    "allows seeing it in full (see `masked`). Sent back unchanged, a masked value keeps the stored one."
)


class PersonSerializer(ServiceSerializer):
    unit = OwningUnitField(queryset=Unit.objects.all())
    documents = DocumentSerializer(many=True, required=False, help_text=MASKED_HELP)
    education = EducationSerializer(many=True, required=False)
    phones = serializers.ListField(child=serializers.CharField(max_length=40), required=False, help_text=MASKED_HELP)
    emails = serializers.ListField(child=serializers.EmailField(), required=False, help_text=MASKED_HELP)
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "null when masked (then `birth_year` gives the year). Sent as null by a caller who may not see it, "
            "the stored date is kept."
        ),
    )
    birth_year = serializers.SerializerMethodField(help_text=_("The year of birth, also when the date is masked."))
    masked = serializers.SerializerMethodField(
        help_text=_(
            "true when documents, phones, e-mails and the date of birth are partly masked for you; "
            "POST /api/people/{id}/reveal/ shows them in full (logged)."
        )
    )
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
            "birth_year",
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
            "masked",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def nested_fields(self):
        return ("documents", "education", "tags")

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def shown(self, instance) -> sensitive.PersonValues:
        """The sensitive values of `instance` as the caller may see them (full after a reveal)."""
        cache = self.__dict__.setdefault("_shown", {})
        if instance.pk not in cache:
            if self.context.get("reveal"):
                cache[instance.pk] = sensitive.person_values(instance, full=True)
            else:
                cache[instance.pk] = sensitive.masked_person_values(self._user(), instance)
        return cache[instance.pk]

    @extend_schema_field(serializers.IntegerField(allow_null=True))  # null: no date of birth recorded
    def get_birth_year(self, instance):
        return self.shown(instance).birth_year

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_masked(self, instance) -> bool:
        return self.shown(instance).masked

    def _stored(self, name: str) -> list:
        return list(getattr(self.instance, name, None) or []) if isinstance(self.instance, Person) else []

    def validate_phones(self, phones):
        region = self.initial_data.get("region") or getattr(self.instance, "region", "")
        phones = sensitive.restore_phones(phones, self._stored("phones"))
        try:
            return clean_phones(phones, region)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error

    def validate_emails(self, emails):
        emails = sensitive.restore_emails(emails, self._stored("emails"))
        left = [e for e in emails if sensitive.still_masked(e)]
        if left:
            raise serializers.ValidationError(
                _("“%(value)s” is partly masked and matches no stored e-mail: send the full address.")
                % {"value": left[0]}
            )
        return list(dict.fromkeys(e.strip().lower() for e in emails))

    def validate_birth_date(self, value):
        if isinstance(self.instance, Person) and self.instance.pk:
            seen = sensitive.can_see(self._user(), self.instance)
            return sensitive.keep_birth_date(value, self.instance.birth_date, seen=seen)
        return value

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
        shown = self.shown(instance)
        data["documents"] = [{"kind": d.kind, "number": d.number, "country": d.country} for d in shown.documents]
        data["phones"], data["emails"] = shown.phones, shown.emails
        if shown.masked:
            data["birth_date"] = None
        return data

    def extras(self):
        data = self.validated_data
        out = {}
        for name in ("documents", "education", "tags", "roles"):
            if name in data:
                out[name] = data[name]
        return out


class RevealedSerializer(serializers.Serializer):
    """One person's sensitive values in full (POST /api/people/{id}/reveal/)."""

    id = serializers.IntegerField()
    birth_date = serializers.DateField(allow_null=True)
    birth_year = serializers.IntegerField(allow_null=True)
    phones = serializers.ListField(child=serializers.CharField())
    emails = serializers.ListField(child=serializers.CharField())
    documents = serializers.ListField(child=serializers.DictField(), help_text=_("[{kind, number, country}]"))
    masked = serializers.BooleanField(help_text=_("Always false: the values are in full."))

    @staticmethod
    def of(person, values) -> dict:
        return {
            "id": person.pk,
            "birth_date": values.birth_date,
            "birth_year": values.birth_year,
            "phones": values.phones,
            "emails": values.emails,
            "documents": [{"kind": d.kind, "number": d.number, "country": d.country} for d in values.documents],
            "masked": values.masked,
        }


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
