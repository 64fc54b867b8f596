from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core import scoping
from qiao.core.forms import BootstrapMixin
from qiao.core.models import Unit

from .models import ImportKind


class UploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices, initial=ImportKind.PEOPLE)
    unit = forms.ModelChoiceField(
        label=_("New records belong to"),
        queryset=Unit.objects.none(),
        help_text=_("The unit that keeps the people or organisations this file adds."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (xlsx, xls), OpenDocument (ods) or CSV in UTF-8, GB18030 or Big5."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv,.tsv,.txt"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = scoping.units_for_choice(user, "add")
        self.fields["unit"].queryset = units
        self.fields["unit"].initial = units.first()  # the user's own unit comes first
