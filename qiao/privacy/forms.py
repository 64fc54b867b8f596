from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import BootstrapMixin
from qiao.core.models import Unit

from .models import ConsentMethod, ConsentPurpose, DataCategory, LegalBasis, TransferRegion

DATE = forms.DateInput(attrs={"type": "date"})


class ConsentForm(BootstrapMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("purpose"), choices=ConsentPurpose.choices)
    purpose_other = forms.CharField(
        label=_("other purpose"), max_length=200, required=False, help_text=_("When the purpose is “Other”: which one.")
    )
    given_on = forms.DateField(label=_("given on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("how it was given"), choices=ConsentMethod.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(BootstrapMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class TransferForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    to_unit = forms.ModelChoiceField(label=_("to unit"), queryset=Unit.objects.all(), required=False)
    to_text = forms.CharField(
        label=_("recipient"),
        max_length=200,
        required=False,
        help_text=_("When the recipient is not a unit of the network."),
    )
    region = forms.ChoiceField(label=_("destination"), choices=TransferRegion.choices)
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    categories = forms.MultipleChoiceField(
        label=_("data categories"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    legal_basis = forms.ChoiceField(label=_("legal basis"), choices=LegalBasis.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].widget.attrs.pop("class", None)


class EraseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The request and its date, e.g. “written request of 2024-05-01”. Do not write the person's name."),
    )
    confirm_name = forms.CharField(
        label=_("type the person's name to confirm"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class KeepForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("why kept"), max_length=500)
