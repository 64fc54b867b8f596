from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.activities.models import Activity, ParticipationRole, ParticipationStatus
from qiao.core import scoping
from qiao.core.forms import BootstrapMixin
from qiao.core.models import Unit

from .models import ImportKind


class UploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices, initial=ImportKind.PEOPLE)
    unit = forms.ModelChoiceField(
        label=_("New records belong to"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The unit that keeps the people or organisations this file adds."),
    )
    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("They take part as"), choices=ParticipationRole.choices, initial="participant")
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ParticipationStatus.choices,
        initial="attended",
        help_text=_("“Attended” for a delegation already received; “Registered” for an activity still to come."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (xlsx, xls), OpenDocument (ods) or CSV in UTF-8, GB18030 or Big5."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv,.tsv,.txt"}),
    )

    def __init__(self, *args, user=None, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = scoping.units_for_choice(user, "add")
        self.fields["unit"].queryset = units
        self.fields["unit"].initial = units.first()  # the user's own unit comes first
        self.fields["activity"].queryset = Activity.objects.restrict(user, "change")
        self.activity = activity
        if activity is not None:  # a list of participants: the activity decides the unit
            self.fields["kind"].choices = [(ImportKind.PARTICIPATIONS, ImportKind.PARTICIPATIONS.label)]
            self.fields["kind"].initial = ImportKind.PARTICIPATIONS
            self.fields["activity"].initial = activity.pk
            del self.fields["unit"]
            if activity.start_date > activity.start_date.today():
                self.fields["status"].initial = "registered"
        else:
            self.fields["kind"].choices = [c for c in ImportKind.choices if c[0] != ImportKind.PARTICIPATIONS]
            del self.fields["role"], self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        if self.activity is None and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the unit the new records belong to."))
        return cleaned
