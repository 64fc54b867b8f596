from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.widgets import AutocompleteSelectMultiple
from qiao.people.models import Person

from . import services
from .models import Outcome, Proposal, PublicRole

DATE = {"type": "date"}


def _for_form(form, call):
    """Run a service; errors of fields the form does not have become errors of the whole form."""
    try:
        return call()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        known = {k: v for k, v in error.message_dict.items() if k in form.fields}
        other = [m for k, v in error.message_dict.items() if k not in form.fields for m in v]
        if other:
            known[NON_FIELD_ERRORS] = other
        raise ValidationError(known) from error


def _date_widget():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class ProposalForm(ScopedModelForm):
    """A proposal with its authors (people the user may see; authors of other units that the user
    cannot see stay on the proposal, services.save_proposal keeps them)."""

    authors = forms.ModelMultipleChoiceField(
        label=_("Authors"), queryset=Person.objects.none(), widget=AutocompleteSelectMultiple("people")
    )

    class Meta:
        model = Proposal
        fields = [
            "title",
            "channel",
            "authors",
            "submitted_on",
            "venue",
            "summary",
            "outcome",
            "adopted_on",
            "endorsed_on",
            "outcome_note",
            "unit",
        ]
        widgets = {
            "submitted_on": _date_widget(),
            "adopted_on": _date_widget(),
            "endorsed_on": _date_widget(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None, initial=None):
        super().__init__(data, files, instance=instance, user=user, initial=initial)
        self.fields["authors"].queryset = Person.objects.restrict(user)
        self.fields["authors"].error_messages["required"] = _("A proposal needs at least one author.")
        if instance is not None and instance.pk:
            self.initial["authors"] = list(
                Person.objects.restrict(user).filter(proposals=instance).values_list("pk", flat=True)
            )
        elif not self.initial.get("submitted_on"):
            self.initial["submitted_on"] = services.local_today(user)

    def _post_clean(self):
        pass  # the service validates the proposal

    def save(self, user):
        proposal = self.instance
        for name in self._meta.fields:
            if name in self.cleaned_data and name != "authors":
                setattr(proposal, name, self.cleaned_data[name])
        authors = list(self.cleaned_data["authors"])
        return _for_form(self, lambda: services.save_proposal(user, proposal, authors=authors))


class OutcomeForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=pgettext_lazy("proposal", "Outcome"), choices=Outcome.choices)
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=_date_widget())
    endorsed_on = forms.DateField(label=_("Endorsed on"), required=False, widget=_date_widget())
    note = forms.CharField(label=_("Outcome note"), required=False, max_length=300)


class PublicRoleForm(ScopedModelForm):
    class Meta:
        model = PublicRole
        fields = ["kind", "body", "title", "starts_on", "ends_on"]
        widgets = {"starts_on": _date_widget(), "ends_on": _date_widget()}

    def _post_clean(self):
        pass  # the service validates the role (term order) and the right to change the person

    def save(self, user):
        role = self.instance
        for name in self._meta.fields:
            setattr(role, name, self.cleaned_data.get(name))
        return _for_form(self, lambda: services.save_role(user, role))
