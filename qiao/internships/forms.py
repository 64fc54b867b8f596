from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.activities.models import Activity
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.widgets import AutocompleteSelect
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .models import BATCH_KIND, InternshipPosition, Placement

DATE = {"type": "date"}


def tag_names(value: str) -> list[str]:
    return [t.strip() for t in value.replace("，", ",").replace("、", ",").split(",") if t.strip()]


class PositionForm(ScopedModelForm):
    skills_text = forms.CharField(
        label=InternshipPosition._meta.get_field("skills").verbose_name,
        required=False,
        help_text=_("Separate them with commas, e.g. 金融, 数据分析."),
    )

    class Meta:
        model = InternshipPosition
        fields = [
            "organization",
            "title",
            "slots",
            "start_date",
            "end_date",
            "place",
            "work_mode",
            "status",
            "unit",
            "description",
            "requirements",
        ]
        widgets = {
            "organization": AutocompleteSelect("organizations"),
            "start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.limit("organization", Organization.objects.all())
        self.fields["slots"].widget.attrs["min"] = 1
        if instance and instance.pk:
            self.fields["skills_text"].initial = ", ".join(t.name for t in instance.skills.all())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned

    def save(self, user):
        position = super().save(commit=False)
        return services.save_position(user, position, skills=tag_names(self.cleaned_data["skills_text"]))


class ApplicantForm(BootstrapMixin, forms.Form):
    """Add an applicant to a position: a person found with the cross-script search."""

    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=AutocompleteSelect("people")
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user)


def batches_for(user):
    """The internship batches a user may put interns in, newest first."""
    return (
        Activity.objects.restrict(user, "change")
        .filter(kind__code=BATCH_KIND)
        .select_related("series")
        .order_by("-start_date", "-id")
    )


class PlacementForm(ScopedModelForm):
    """Place an applicant in a batch (the instance is a new placement of a given application), or
    change a placement: its batch, dates, outcome and notes."""

    class Meta:
        model = Placement
        fields = ["batch", "start_date", "end_date", "outcome", "notes"]
        widgets = {
            "start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "batch": _("An activity of the kind “Internship batch” (第N批); add it under Activities first."),
            "start_date": _("Empty: the batch's start date."),
            "end_date": _("Empty: the batch's end date. When an intern left early, the day they left."),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        batches = batches_for(user)
        if instance is not None and instance.batch_id:
            batches = batches | Activity.objects.filter(pk=instance.batch_id)
        self.fields["batch"].queryset = batches.distinct()
        self.fields["start_date"].required = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned

    def _post_clean(self):
        pass  # the services validate the placement (the start date may come from the batch)

    def save(self, user):
        data = self.cleaned_data
        if self.instance.pk is None:
            return services.place(
                user,
                self.instance.application,
                data["batch"],
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
                outcome=data["outcome"],
                notes=data.get("notes", ""),
            )
        return services.update_placement(
            user,
            self.instance,
            batch=data["batch"],
            start_date=data.get("start_date"),
            end_date=data.get("end_date") or data["batch"].end_date,
            outcome=data["outcome"],
            notes=data.get("notes", ""),
        )
