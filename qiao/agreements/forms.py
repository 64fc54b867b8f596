"""Forms of the agreement pages. They only collect and type the input; every rule is in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qiao.activities.models import Activity
from qiao.core import scoping
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.models import Unit
from qiao.core.widgets import AutocompleteSelect
from qiao.orgs.models import Organization

from . import services
from .models import Agreement, Commitment

DATE = {"type": "date"}
RECENT_ACTIVITIES = 200  # the signing-activity select lists the most recent ones (and the chosen one)
PARTY_ROWS = 3
COMMITMENT_ROWS = 3


def _date_widget():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class PartyForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        widget=AutocompleteSelect("organizations"),
    )
    role = forms.CharField(label=_("Role in the agreement"), max_length=100, required=False)

    def __init__(self, *args, user=None, keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        visible = Organization.objects.restrict(user)
        if keep:
            visible = visible | Organization.objects.filter(pk__in=keep)
        self.fields["organization"].queryset = visible.distinct()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("organization") and not (data.get("role") or "").strip()


class CommitmentForm(BootstrapMixin, forms.ModelForm):
    """One commitment: on the add page (a row of the new agreement) and on its own edit form."""

    class Meta:
        model = Commitment
        fields = ["text", "owner", "party", "due_on", "note"]
        widgets = {"due_on": _date_widget()}

    def __init__(self, *args, user=None, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        agreement = agreement or (self.instance.agreement if self.instance.agreement_id else None)
        owners = services.owner_choices(user, agreement)
        if self.instance.owner_id:
            owners = owners | type(self.instance.owner).objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = owners.distinct()
        self.fields["text"].required = False  # the service names a missing text
        if agreement is not None and agreement.pk:
            self.fields["party"].queryset = Organization.all_objects.filter(agreement_parties__agreement=agreement)
        else:
            del self.fields["party"]
            del self.fields["note"]

    def _post_clean(self):
        pass  # the service validates the commitment

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("text") or "").strip() and not data.get("owner") and not data.get("due_on")

    def save(self, user):
        item = self.instance
        for name in self._meta.fields:
            if name in self.cleaned_data:
                setattr(item, name, self.cleaned_data[name])
        return services.save_commitment(user, item)


def _formset(form_class, extra):
    return forms.formset_factory(form_class, extra=extra, max_num=services.MAX_PARTIES, absolute_max=200)


class AgreementForm(ScopedModelForm):
    """The agreement, its organisation parties (rows of a formset, with a role each), our units, and
    on the add page its first commitments. Saved through services.save_agreement() all at once."""

    our_units = forms.ModelMultipleChoiceField(
        label=_("Our units party to it"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "kind",
            "unit",
            "signed_on",
            "signing_activity",
            "starts_on",
            "ends_on",
            "scope",
            "notes",
        ]
        widgets = {
            "signed_on": _date_widget(),
            "starts_on": _date_widget(),
            "ends_on": _date_widget(),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None, initial_organization=None):
        super().__init__(data, files, instance=instance, user=user)
        stored_units = list(instance.our_units.values_list("pk", flat=True)) if instance and instance.pk else []
        units = scoping.units_for_choice(user, "view")
        if stored_units:
            units = units | Unit.objects.filter(pk__in=stored_units)
        self.fields["our_units"].queryset = units.distinct().order_by("path")
        self.fields["our_units"].label_from_instance = lambda unit: ("— " * unit.depth) + str(unit)
        for name in ("title", "kind", "signed_on"):
            self.fields[name].required = False  # the service names what is missing
        if instance is not None and instance.pk:
            self.initial["our_units"] = stored_units
        elif not self.initial.get("our_units") and self.initial.get("unit"):
            self.initial["our_units"] = [self.initial["unit"]]
        activities = Activity.objects.restrict(user)
        self.fields["signing_activity"].queryset = activities
        recent = list(activities.order_by("-start_date", "-id")[:RECENT_ACTIVITIES])
        if instance is not None and instance.signing_activity_id and instance.signing_activity not in recent:
            recent.insert(0, instance.signing_activity)
        self.fields["signing_activity"].widget.choices = [("", "---------")] + [
            (a.pk, f"{a.start_date:%Y-%m-%d} {a}") for a in recent
        ]
        stored_parties = list(instance.parties.all()) if instance is not None and instance.pk else []
        keep = [p.organization_id for p in stored_parties]
        initial = [{"organization": p.organization_id, "role": p.role} for p in stored_parties]
        if not initial and initial_organization is not None:
            initial = [{"organization": initial_organization.pk, "role": ""}]
        self.parties = _formset(PartyForm, PARTY_ROWS)(
            data, prefix="party", initial=initial or None, form_kwargs={"user": user, "keep": keep}
        )
        self.commitments = None
        if instance is None or not instance.pk:
            self.commitments = _formset(CommitmentForm, COMMITMENT_ROWS)(
                data, prefix="commitment", form_kwargs={"user": user}
            )
        self.party_errors: list[str] = []
        self.commitment_errors: list[str] = []

    def _post_clean(self):
        pass  # the service validates the agreement

    def is_valid(self) -> bool:
        valid = super().is_valid()
        valid = self.parties.is_valid() and valid
        if self.commitments is not None:
            valid = self.commitments.is_valid() and valid
        return valid

    def add_service_error(self, error: ValidationError) -> None:
        """Show a refusal of the service under the field it names (parties and commitments above
        their rows)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            if field == "parties":
                self.party_errors.extend(messages)
            elif field == "commitments":
                self.commitment_errors.extend(messages)
            elif field in self.fields:
                for message in messages:
                    self.add_error(field, message)
            else:
                for message in messages:
                    self.add_error(None, message)

    def save(self, user):
        agreement = self.instance
        for name in self._meta.fields:
            if name in self.cleaned_data:
                setattr(agreement, name, self.cleaned_data[name])
        parties = [
            services.Party(row.cleaned_data.get("organization"), row.cleaned_data.get("role") or "")
            for row in self.parties.forms
            if not row.is_blank()
        ]
        commitments = None
        if self.commitments is not None:
            commitments = [
                {
                    "text": row.cleaned_data.get("text") or "",
                    "owner": row.cleaned_data.get("owner"),
                    "due_on": row.cleaned_data.get("due_on"),
                }
                for row in self.commitments.forms
                if not row.is_blank()
            ]
        return services.save_agreement(
            user,
            agreement,
            parties=parties,
            our_units=list(self.cleaned_data.get("our_units") or ()),
            commitments=commitments,
        )


class EndForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=_date_widget())
    end_reason = forms.CharField(label=_("Why it ended"), required=False, max_length=300)
