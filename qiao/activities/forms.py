from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.models import Unit
from qiao.core.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import Activity, ParticipationRole, ParticipationStatus, Programme, Series
from .registration_forms import REGISTRATION_FIELDS
from .services import save_activity


class ActivityForm(ScopedModelForm):
    registration_fields = forms.MultipleChoiceField(
        label=_("Fields on the registration form"),
        choices=REGISTRATION_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The name is always asked; the consent statement is always shown."),
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "start_date",
            "end_date",
            "place",
            "unit",
            "co_organisers",
            "partners",
            "target_groups",
            "series",
            "edition",
            "programme",
            "description",
            "registration_open",
            "registration_fields",
            "registration_closes",
            "capacity",
            "consent_text",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_closes": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "consent_text": forms.Textarea(attrs={"rows": 3}),
            "partners": AutocompleteSelectMultiple("organizations"),
            "target_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.fields["co_organisers"].queryset = Unit.objects.all()
        self.limit("partners", Organization.objects.all())
        self.limit("series", Series.objects.all())
        self.limit("programme", Programme.objects.all())
        if not self.instance.pk:
            self.initial.setdefault("registration_fields", ["name", "gender", "region", "phone", "email"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        if cleaned.get("edition") and not cleaned.get("series"):
            self.add_error("edition", _("An edition number belongs to a series: choose the series too."))
        return cleaned

    def save(self, user):
        activity = super().save(commit=False)
        return save_activity(
            user,
            activity,
            co_organisers=self.cleaned_data["co_organisers"],
            partners=self.cleaned_data["partners"],
            target_groups=self.cleaned_data["target_groups"],
        )


class SeriesForm(ScopedModelForm):
    class Meta:
        model = Series
        fields = ["name", "kind", "unit", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def save(self, user):
        from qiao.core import services

        return services.save(user, super().save(commit=False))


class ProgrammeForm(ScopedModelForm):
    class Meta:
        model = Programme
        fields = ["name", "start_date", "end_date", "goal", "unit", "description"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def save(self, user):
        from qiao.core import services

        return services.save(user, super().save(commit=False))


class AddParticipantForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=AutocompleteSelect("people")
    )
    role = forms.ChoiceField(label=_("Role"), choices=ParticipationRole.choices, initial="participant")
    status = forms.ChoiceField(label=_("Status"), choices=ParticipationStatus.choices, initial="registered")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user)


class ParticipationStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ParticipationStatus.choices)
