"""Forms of carriers and residencies; each `save(user)` calls services.py, which holds every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.amounts import AmountField, user_unit
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from qiao.matching.models import Field
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .models import Carrier, ExitKind, Residency

DATE = {"type": "date"}


def _date_widget():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class CarrierForm(ScopedModelForm):
    class Meta:
        model = Carrier
        fields = ["name", "kind", "unit", "operator", "address", "floor_area", "capacity", "opened_on", "description"]
        widgets = {
            "operator": AutocompleteSelect("organizations"),
            "opened_on": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"unit": _("managing unit")}

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.limit("operator", Organization.objects.all())
        # the service refuses zero and negative values with a message naming the field
        self.fields["floor_area"].widget.attrs.update(step="0.01")
        self.fields["capacity"].min_value = None
        self.fields["capacity"].validators = []
        self.fields["capacity"].widget.attrs.pop("min", None)

    def _post_clean(self):
        pass  # the service validates the carrier

    def save(self, user):
        carrier = self.instance
        for name in self._meta.fields:
            if name in self.cleaned_data:
                setattr(carrier, name, self.cleaned_data[name])
        return services.save_carrier(user, carrier)


class ResidencyForm(ScopedModelForm):
    class Meta:
        model = Residency
        fields = [
            "carrier",
            "kind",
            "name",
            "origin",
            "origin_country",
            "field",
            "organization",
            "founders",
            "entered_on",
            "notes",
        ]
        widgets = {
            "organization": AutocompleteSelect("organizations"),
            "founders": AutocompleteSelectMultiple("people"),
            "entered_on": _date_widget(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"origin_country": _("For an overseas team or enterprise: the country or territory.")}

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        carriers = Carrier.objects.restrict(user, "change")
        if instance is not None and instance.carrier_id:
            carriers = carriers | Carrier.objects.filter(pk=instance.carrier_id)
        self.fields["carrier"].queryset = carriers.distinct()
        self.limit("organization", Organization.objects.all())
        self.fields["founders"].queryset = Person.objects.restrict(user)
        self.fields["field"].queryset = Field.objects.all()
        self.fields["field"].label_from_instance = lambda field: ("— " * field.depth) + str(field)
        if instance is None or instance.pk is None:
            self.fields["entered_on"].initial = services.local_today(user)

    def _post_clean(self):
        pass  # the service validates the residency (and knows the stored one)

    def save(self, user):
        residency = self.instance
        for name in self._meta.fields:
            if name in self.cleaned_data and name != "founders":
                setattr(residency, name, self.cleaned_data[name])
        return services.save_residency(user, residency, founders=list(self.cleaned_data.get("founders") or []))


class ExitForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("How it leaves"), choices=ExitKind.choices)
    on = forms.DateField(label=_("Date"), widget=_date_widget())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = services.local_today(user)


class MilestoneForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("milestone", "Outcome"),
        choices=[(k.value, k.label) for k in services.OUTCOME_KINDS],
    )
    on = forms.DateField(label=_("Date"), widget=_date_widget())
    amount = AmountField(label=_("Amount raised"), required=False)
    organization = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Organization.objects.none(),
        required=False,
        widget=AutocompleteSelect("organizations"),
        help_text=_("For “registered a company”: the company, if it is in the registry."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].set_unit(user_unit(user))
        self.fields["organization"].queryset = Organization.objects.restrict(user)
        self.fields["on"].initial = services.local_today(user)
