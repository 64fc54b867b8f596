from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import scoping


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key the caller can only point at records they may see (others look nonexistent)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user, "view")


class OwningUnitField(ScopedRelatedField):
    """The owning unit: must be one where the caller may keep records."""

    default_error_messages = {"not_allowed": _("You may not keep records for this unit.")}

    def to_internal_value(self, data):
        unit = super().to_internal_value(data)
        request = self.context.get("request")
        instance = getattr(self.parent, "instance", None)
        unchanged = instance is not None and getattr(instance, "unit_id", None) == unit.pk
        if not unchanged and not scoping.may(request.user, "add", unit.pk):
            self.fail("not_allowed")
        return unit


class TagListField(serializers.ListField):
    """Tags as a plain list of names; new names create tags."""

    child = serializers.CharField(max_length=100)

    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        return [getattr(item, "name", item) for item in items]


class RelatedTextField(serializers.CharField):
    """Read-only text of a related record that may be missing (``source="done_by.username"``): "" when
    there is none. DRF's own ``default=""`` leaves the field out of PATCH answers instead, against the
    schema, which always lists it."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        try:
            return super().get_attribute(instance)
        except serializers.SkipField:
            return ""
