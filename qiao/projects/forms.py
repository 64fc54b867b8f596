from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.activities.models import Activity
from qiao.core.amounts import AmountField, user_unit
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.models import User
from qiao.core.widgets import AutocompleteSelect
from qiao.matching.models import Field
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .models import Project, Stage, Tranche

DATE = {"type": "date"}
RECENT_ACTIVITIES = 200  # the signing-activity select lists the most recent ones (and the chosen one)


class ProjectForm(ScopedModelForm):
    planned_amount = AmountField(label=_("Planned investment"), required=False)
    confirm_over_plan = forms.BooleanField(
        label=_("Confirm: the landed funds exceed this planned investment"), required=False
    )
    over_plan_note = forms.CharField(
        label=_("Why the landed funds exceed the plan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Note on the first stage"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "investor",
            "kind",
            "origin",
            "origin_country",
            "industry",
            "planned_amount",
            "stage",
            "stage_on",
            "referral_person",
            "referral_organization",
            "signing_activity",
            "liaison",
            "unit",
            "description",
        ]
        widgets = {
            "investor": AutocompleteSelect("organizations"),
            "referral_person": AutocompleteSelect("people"),
            "referral_organization": AutocompleteSelect("organizations"),
            "stage_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"stage_on": _("The day the project reached this stage (for “Signed”: the signing date).")}

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.fields["planned_amount"].set_unit(user_unit(user))
        self.limit("investor", Organization.objects.all())
        self.limit("referral_organization", Organization.objects.all())
        self.limit("referral_person", Person.objects.all())
        self.fields["industry"].queryset = Field.objects.all()
        self.fields["industry"].label_from_instance = lambda field: ("— " * field.depth) + str(field)
        activities = Activity.objects.restrict(user)
        self.fields["signing_activity"].queryset = activities
        recent = list(activities.order_by("-start_date", "-id")[:RECENT_ACTIVITIES])
        if instance is not None and instance.signing_activity_id and instance.signing_activity not in recent:
            recent.insert(0, instance.signing_activity)
        self.fields["signing_activity"].widget.choices = [("", "---------")] + [
            (a.pk, f"{a.start_date:%Y-%m-%d} {a}") for a in recent
        ]
        liaisons = User.objects.restrict(user).filter(is_active=True)
        if instance is not None and instance.liaison_id:
            liaisons = liaisons | User.objects.filter(pk=instance.liaison_id)
        self.fields["liaison"].queryset = liaisons.distinct()
        if instance is not None and instance.pk:
            # the stage moves only by "Move" (with its date); the rest of an edit keeps it
            for name in ("stage", "stage_on", "note"):
                del self.fields[name]
            if not instance.landed_amount:  # nothing landed: a plan cannot fall below it
                del self.fields["confirm_over_plan"]
                del self.fields["over_plan_note"]
        else:
            self.fields["stage"].choices = [(s.value, s.label) for s in services.CREATE_STAGES]
            self.fields["stage_on"].required = False
            self.fields["stage_on"].initial = services.local_today(user)
            del self.fields["confirm_over_plan"]
            del self.fields["over_plan_note"]

    def _post_clean(self):
        pass  # the service validates the project (and knows the stored stage)

    def save(self, user):
        project = self.instance
        for name in self._meta.fields:
            if name in self.cleaned_data:
                setattr(project, name, self.cleaned_data[name])
        return services.save_project(
            user,
            project,
            note=self.cleaned_data.get("note", ""),
            confirm_over_plan=self.cleaned_data.get("confirm_over_plan", False),
            over_plan_note=self.cleaned_data.get("over_plan_note", ""),
        )


class TrancheForm(BootstrapMixin, forms.Form):
    """Add or correct a tranche: the amount in the user's unit, the date, a note; the confirmation
    when the landed total would go above the planned investment."""

    amount = AmountField(label=_("Amount"))
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    confirm = forms.BooleanField(label=_("Confirm: the landed funds exceed the planned investment"), required=False)

    def __init__(self, *args, user=None, tranche: Tranche | None = None, **kwargs):
        if tranche is not None and "initial" not in kwargs:
            kwargs["initial"] = {"amount": tranche.amount, "on": tranche.on, "note": tranche.note}
        super().__init__(*args, **kwargs)
        self.fields["amount"].set_unit(user_unit(user))
        if tranche is None:
            self.fields["on"].initial = services.local_today(user)


class MoveForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    reason = forms.CharField(label=_("Reason for dropping"), required=False, max_length=2000)


class ProjectPersonForm(BootstrapMixin, forms.Form):
    """Relate a person to the project: picked with the cross-script search."""

    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=AutocompleteSelect("people")
    )
    role = forms.CharField(label=_("Role"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user)
