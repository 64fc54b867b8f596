from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.models import User
from qiao.core.widgets import AutocompleteSelect
from qiao.orgs.models import Organization

from . import services
from .models import DEMAND_TERMS, Demand, Field, Language, Match, MatchStage, Plan, PlanTask, TalentProfile, WorkMode

DATE = {"type": "date"}


class FieldChoiceField(forms.ModelMultipleChoiceField):
    """Fields of the taxonomy, shown as a tree (储能 under 新能源) in the active language."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Field.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Fields"))
        kwargs.setdefault("help_text", _("Pick the most specific fields; hold Ctrl (⌘) to pick several."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("size", 10)

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + str(obj)


def language_field(label=None, choices=Language.choices):
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple)


class DemandForm(ScopedModelForm):
    fields = FieldChoiceField()
    languages = language_field()

    class Meta:
        model = Demand
        fields = [
            "organization",
            "kind",
            "title",
            "status",
            "description",
            *DEMAND_TERMS,
            "unit",
        ]
        widgets = {
            "organization": AutocompleteSelect("organizations"),
            "valid_until": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.limit("organization", Organization.objects.all())
        self.fields["headcount"].widget.attrs["min"] = 1
        self.fields["languages"].widget.attrs.pop("class", None)

    def _post_clean(self):
        super()._post_clean()  # copies the cleaned values into the instance
        if not self.errors:
            try:
                services.check_demand(self.instance)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)

    def save(self, user):
        demand = super().save(commit=False)
        return services.save_demand(user, demand, fields=list(self.cleaned_data["fields"]))


class TalentProfileForm(BootstrapMixin, forms.ModelForm):
    fields = FieldChoiceField()
    languages = language_field()
    work_modes = language_field(_("Work modes wanted"), WorkMode.choices)

    class Meta:
        model = TalentProfile
        fields = [
            "fields",
            "skills",
            "experience_years",
            "languages",
            "work_modes",
            "availability",
            "contact_consent",
            "employment_status",
            "residence",
            "signed_local_employer",
            "desired_places",
        ]
        widgets = {"signed_local_employer": forms.NullBooleanSelect}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("languages", "work_modes"):
            self.fields[name].widget.attrs.pop("class", None)

    def save(self, user):
        profile = super().save(commit=False)
        return services.save_profile(user, profile, fields=list(self.cleaned_data["fields"]))


class MatchMoveForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=MatchStage.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.TextInput)


class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["status", "goal", "responsible", "matches", "benefits"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 4}),
            "matches": forms.CheckboxSelectMultiple,
            "benefits": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, benefits=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        plan = self.instance
        self.fields["matches"].queryset = (
            Match.objects.restrict(user)
            .filter(person_id=plan.person_id)
            .select_related("demand", "demand__organization")
        )
        self.fields["matches"].label_from_instance = lambda m: (
            f"{m.demand} · {m.demand.organization or ''} · {m.get_stage_display()}"
        )
        self.fields["matches"].widget.attrs.pop("class", None)
        if benefits is not None:
            self.fields["benefits"].queryset = benefits
        self.fields["benefits"].label_from_instance = lambda b: f"{b.policy} · {b}"
        self.fields["benefits"].widget.attrs.pop("class", None)
        self.fields["responsible"].queryset = User.objects.restrict(user).filter(is_active=True)

    def save(self, user):
        plan = super().save(commit=False)
        return services.save_plan(
            user, plan, matches=self.cleaned_data["matches"], benefits=self.cleaned_data["benefits"]
        )


class PlanTaskForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["what", "assignee", "assignee_text", "due"]
        widgets = {"due": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["assignee"].queryset = User.objects.restrict(user).filter(is_active=True)

    def save(self, user):
        task = super().save(commit=False)
        return services.save_task(user, task)


class FieldForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Field
        fields = ["parent", "code", "name", "name_hant", "name_en", "synonyms", "position"]
        widgets = {"synonyms": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Field.objects.all()
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda f: "\u3000" * f.depth + str(f)

    def save(self, user):
        return super().save()
