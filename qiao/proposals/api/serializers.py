from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.api.base import ServiceSerializer
from qiao.core.api.fields import OwningUnitField, ScopedRelatedField
from qiao.core.models import Unit
from qiao.people.models import Person

from ..models import Channel, Outcome, Proposal, PublicRole, PublicRoleKind


class ProposalSerializer(ServiceSerializer):
    """A proposal. `authors` lists the authors you may see (ids); `author_count` counts them all.
    Writing `authors` replaces the ones you may see (at least one author in all); authors of units you
    cannot see stay. The outcome rules (dates on or after submission, an endorsed proposal is adopted
    too) are those of POST /api/proposals/{id}/outcome/."""

    unit = OwningUnitField(queryset=Unit.objects.all())
    authors = ScopedRelatedField(queryset=Person.objects.all(), many=True)
    author_count = serializers.IntegerField(source="author_total", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "channel",
            "authors",
            "author_count",
            "submitted_on",
            "venue",
            "summary",
            "outcome",
            "adopted_on",
            "endorsed_on",
            "outcome_note",
            "unit",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def extras(self) -> dict:
        authors = self.validated_data.get("authors")
        return {"authors": list(authors) if authors is not None else None}


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    adopted_on = serializers.DateField(required=False, allow_null=True)
    endorsed_on = serializers.DateField(required=False, allow_null=True)
    outcome_note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PublicRoleSerializer(serializers.ModelSerializer):
    """A public role of a person, with its body and term; adding, editing or deleting one needs the
    right to change the person."""

    person = ScopedRelatedField(queryset=Person.objects.all())

    class Meta:
        model = PublicRole
        fields = ["id", "person", "kind", "body", "title", "starts_on", "ends_on", "created", "updated"]
        read_only_fields = ["created", "updated"]

    def validate(self, attrs):
        if self.instance is not None and "person" in attrs and attrs["person"].pk != self.instance.person_id:
            raise serializers.ValidationError({"person": _("A public role stays with its person; add a new one.")})
        return attrs


class ProposalFiguresSerializer(serializers.Serializer):
    submitted = serializers.IntegerField(help_text=_("Proposals submitted in the period."))
    by_channel = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=format_lazy(_("Submitted, by channel: {codes}."), codes=", ".join(Channel.values)),
    )
    adopted = serializers.IntegerField(help_text=_("Of those, adopted now (endorsed ones included)."))
    endorsed = serializers.IntegerField(help_text=_("Of those, endorsed by leaders now."))
    authors = serializers.IntegerField(help_text=_("Distinct people among their authors."))
    authors_with_role = serializers.IntegerField(
        help_text=_("Authors who held any public role on the day they submitted.")
    )
    authors_by_role = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=format_lazy(
            _("Authors who held a public role of each kind on the day they submitted: {codes}."),
            codes=", ".join(PublicRoleKind.values),
        ),
    )


class RoleFiguresSerializer(serializers.Serializer):
    on = serializers.DateField()
    people = serializers.IntegerField(help_text=_("Distinct people holding a public role on that day."))
    by_kind = serializers.DictField(child=serializers.IntegerField())
