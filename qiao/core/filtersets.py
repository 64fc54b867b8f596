import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import scoping
from .models import Membership, Unit, UnitKind, User
from .roles import Role


@extend_schema_field(OpenApiTypes.INT)
class UnitScopeFilter(django_filters.ModelChoiceFilter):
    """Records owned by a unit and every unit below it."""

    def __init__(self, *args, field_path: str = "unit", **kwargs):
        self.field_path = field_path
        kwargs.setdefault("label", _("Unit (with sub-units)"))
        kwargs.setdefault("queryset", _visible_units)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_path}__path__startswith": value.path})


@extend_schema_field(OpenApiTypes.INT)
class ScopedChoiceFilter(django_filters.ModelChoiceFilter):
    """Pick one record the user may see, with an as-you-type picker (no giant drop-down)."""

    def __init__(self, *args, model=None, kind: str = "", **kwargs):
        from .widgets import AutocompleteSelect

        kwargs.setdefault("queryset", lambda request: model.objects.restrict(request.user if request else None))
        kwargs.setdefault("widget", AutocompleteSelect(kind))
        super().__init__(*args, **kwargs)


def _visible_units(request):
    if request is None:
        return Unit.objects.none()
    return scoping.units_for_choice(request.user, "view")


class BaseFilterSet(django_filters.FilterSet):
    """Every filterset accepts `q` (the search box is handled by the list view / viewset)."""

    q = django_filters.CharFilter(label=_("Search"), method="noop")

    def get_form_class(self):
        from .forms import BootstrapMixin

        base = super().get_form_class()
        return type(base.__name__, (BootstrapMixin, base), {})

    def noop(self, queryset, name, value):
        return queryset


class UnitFilterSet(BaseFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=UnitKind.choices, label=_("kind"))
    parent = django_filters.ModelChoiceFilter(queryset=_visible_units, label=_("parent unit"))

    class Meta:
        model = Unit
        fields = ["kind", "parent"]

    def noop(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class UserFilterSet(BaseFilterSet):
    unit = UnitScopeFilter(field_path="memberships__unit")
    role = django_filters.ChoiceFilter(field_name="memberships__role", choices=Role.choices, label=_("role"))
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = User
        fields = ["unit", "role", "is_active"]

    def noop(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(display_name__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )


class MembershipFilterSet(django_filters.FilterSet):
    unit = UnitScopeFilter()
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))

    class Meta:
        model = Membership
        fields = ["unit", "role", "user"]


class _BoundedModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Refuses ids no database column can hold before asking the database (SQLite raises
    OverflowError on them), with the field's usual "not a valid value" message."""

    def _check_values(self, value):
        from django.core.exceptions import ValidationError

        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # the parent reports a non-number as it always does
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = _BoundedModelMultipleChoiceField
