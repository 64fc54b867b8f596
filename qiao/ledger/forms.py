"""Forms of the service ledger. Each staff form's `save(user)` calls services.py, and its validation
runs the services' own checks, so a form and the API refuse the same input with the same words."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.activities.attachments import check_file
from qiao.activities.registration_forms import _problem
from qiao.core.choices import OrganizationRegion
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.models import User
from qiao.core.widgets import AutocompleteSelect
from qiao.imports import values
from qiao.matching.intake_forms import PublicForm
from qiao.orgs.models import Organization
from qiao.people.models import Person
from qiao.projects.models import Project

from . import services
from .models import ActionKind, Case, CaseAction, CaseStatus, CaseTask, Category, Priority, ServiceKind, ServiceRecord

DATE = {"type": "date"}


def _date_input():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})" if str(obj) != obj.username else obj.username


class CheckedModelForm(ScopedModelForm):
    """A model form whose model validation is the service's check (constraints too, with messages that
    name the field instead of the database constraint)."""

    def check(self, instance) -> None:
        pass

    def keep_current(self, *fields) -> None:
        """A record already linked stays a valid choice even when the user may no longer see it (the
        service checks only links that change)."""
        for name, model in fields:
            current = getattr(self.instance, f"{name}_id", None)
            if current:
                self.fields[name].queryset = self.fields[name].queryset | model.objects.filter(pk=current)

    def _post_clean(self):
        opts = self._meta
        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)
        if not self._errors:
            try:
                self.check(self.instance)
            except ValidationError as error:
                self._update_errors(error)


# ---------------------------------------------------------------- cases


def projects_of(user, organization_id):
    """The projects of an organisation (as investor) the user may see."""
    if not organization_id:
        return Project.objects.none()
    return Project.objects.restrict(user).filter(investor_id=organization_id).order_by("name", "id")


class CaseForm(CheckedModelForm):
    class Meta:
        model = Case
        fields = [
            "organization",
            "project",
            "category",
            "title",
            "description",
            "raised_by",
            "raised_by_name",
            "raised_on",
            "priority",
            "owner",
            "due_date",
            "unit",
        ]
        widgets = {
            "organization": AutocompleteSelect("organizations"),
            "raised_by": AutocompleteSelect("people"),
            "raised_on": _date_input(),
            "due_date": _date_input(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"owner": UserChoiceField}
        help_texts = {
            "project": _("The organisation's investment projects; choose the organisation first."),
            "raised_by": _("Someone in the registry; otherwise write the name below."),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None, initial=None):
        super().__init__(data, files, instance=instance, user=user, initial=initial)
        self.limit("organization", Organization.objects.all())
        self.limit("raised_by", Person.objects.all())
        self.keep_current(("organization", Organization), ("raised_by", Person))
        organization = self.data.get("organization") if self.is_bound else None
        if organization is None:
            organization = self.initial.get("organization") or (instance.organization_id if instance else None)
        organization = organization.pk if isinstance(organization, Organization) else organization
        self.fields["project"].queryset = projects_of(user, organization if str(organization).isdigit() else None)
        if instance is not None and instance.project_id:
            self.fields["project"].queryset |= Project.objects.filter(pk=instance.project_id)
        self.fields["organization"].widget.attrs.update(
            {"hx-get": reverse("ledger:project_choices"), "hx-target": "#id_project", "hx-trigger": "change"}
        )
        owners = services.owner_choices(user, "add")
        if instance is not None and instance.owner_id:
            owners = owners | User.objects.filter(pk=instance.owner_id)
        self.fields["owner"].queryset = owners.order_by("username")
        self.fields["owner"].help_text = _(
            "The liaison responsible: a member of the owning unit or of a unit above it."
        )
        if instance is not None and instance.pk and instance.owner_id and not services.may_reassign(user, instance):
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = _("Managers of the owning unit reassign cases.")
        if not self.is_bound and not (instance and instance.pk):
            self.initial.setdefault("raised_on", services.local_today(user).isoformat())

    def check(self, instance) -> None:
        services.check_case(self.user, instance)

    def save(self, user):
        return services.save_case(user, super().save(commit=False))


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=CaseStatus.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(BootstrapMixin, forms.Form):
    owner = UserChoiceField(label=_("new owner"), queryset=User.objects.none(), required=False,
                            empty_label=_("— nobody —"))  # fmt: skip
    note = forms.CharField(label=_("note"), required=False, max_length=2000)

    def __init__(self, data=None, *, owners):
        super().__init__(data)
        self.fields["owner"].queryset = owners


class TaskForm(CheckedModelForm):
    class Meta:
        model = CaseTask
        fields = ["title", "assignee", "due_date"]
        widgets = {"due_date": _date_input()}
        field_classes = {"assignee": UserChoiceField}

    def __init__(self, data=None, files=None, *, instance=None, user=None, initial=None):
        super().__init__(data, files, instance=instance, user=user, initial=initial)
        self.fields["assignee"].queryset = services.eligible_owners(self.instance.case.unit_id).order_by("username")

    def check(self, instance) -> None:
        services.check_task(self.user, instance, instance.case)

    def save(self, user):
        return services.save_task(user, super().save(commit=False))


class ActionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CaseAction
        fields = ["kind", "on", "note", "attachment"]
        widgets = {"on": _date_input(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [(k, label) for k, label in ActionKind.choices]
        self.fields["on"].required = False
        if not self.is_bound:
            self.initial.setdefault("on", services.local_today(user).isoformat())
            self.initial.setdefault("kind", ActionKind.CALL)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and hasattr(upload, "size"):
            check_file(upload)
        return upload

    def _post_clean(self):
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)

    def save(self, user):
        action = self.instance
        upload = self.cleaned_data.get("attachment")
        if upload:
            action.attachment_name = str(upload.name)[:255]
        return services.add_action(user, action)


# ---------------------------------------------------------------- service records


class ServiceRecordForm(CheckedModelForm):
    class Meta:
        model = ServiceRecord
        fields = ["kind", "on", "person", "organization", "people_served", "summary", "case", "unit"]
        widgets = {
            "on": _date_input(),
            "person": AutocompleteSelect("people"),
            "organization": AutocompleteSelect("organizations"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "case": forms.HiddenInput,
        }
        help_texts = {"person": _("A person or an organisation (or both).")}

    def __init__(self, data=None, files=None, *, instance=None, user=None, initial=None):
        super().__init__(data, files, instance=instance, user=user, initial=initial)
        self.fields["kind"].queryset = ServiceKind.objects.all()
        self.limit("person", Person.objects.all())
        self.limit("organization", Organization.objects.all())
        self.limit("case", Case.objects.all())
        self.keep_current(("person", Person), ("organization", Organization), ("case", Case))
        self.fields["people_served"].widget.attrs["min"] = 1
        if not self.is_bound and not (instance and instance.pk):
            self.initial.setdefault("on", services.local_today(user).isoformat())

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("organization") and "person" not in self.errors:
            self.add_error("person", _("Say whom the service was for: a person or an organisation."))
        return cleaned

    def check(self, instance) -> None:
        if instance.people_served is not None and instance.people_served < 1:
            raise ValidationError({"people_served": _("At least one person was served.")})

    def save(self, user):
        return services.save_service_record(user, super().save(commit=False))


# ---------------------------------------------------------------- reported problems


class CaseReportForm(PublicForm):
    """A problem an enterprise reports without login (the public form's spam checks, consent and text
    cleaning are qiao.matching.intake_forms.PublicForm's). `report_data()` gives what is kept."""

    consent_error = _("Please agree to the statement: without it we cannot handle your problem.")

    organization = forms.CharField(label=_("Name of the organisation"), max_length=200)
    region = forms.ChoiceField(
        label=_("Where the organisation is based"), choices=[("", "—"), *OrganizationRegion.choices], required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=100,
        required=False,
        help_text=_("With the country code if you are not in the mainland, e.g. +852 9123 4567."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )
    category = forms.ChoiceField(label=_("What the problem is about"), choices=[("", "—"), *Category.choices])
    title = forms.CharField(
        label=pgettext_lazy("case", "Title"), max_length=200, help_text=_("In a few words, e.g. 厂房消防验收迟迟未办结")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, what you have tried, what you need."),
    )

    texts = ("organization", "contact_name", "title")
    long_texts = ("description",)

    def sections(self) -> list[tuple[str, list]]:
        return [
            (_("Organisation"), self.section("organization", "region")),
            (_("Contact"), self.section("contact_name", "phone", "email")),
            (_("The problem"), self.section("category", "title", "description")),
        ]

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone") or ""
        if phone and "phone" not in self.errors:
            try:
                phones = values.phones(phone, cleaned.get("region") or None)
            except values.ValueProblem as problem:
                self.add_error("phone", _problem(problem))
            else:
                if len(phones) > 1:
                    self.add_error("phone", _("Give one phone number."))
                cleaned["phone"] = phones[0] if phones else ""
        if not phone and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("phone", _("Give a phone or an e-mail so that we can reach you."))
        return cleaned

    def report_data(self) -> dict:
        cleaned = self.cleaned_data
        names = ("organization", "region", "contact_name", "phone", "email", "category", "title", "description")
        return {name: cleaned.get(name) or "" for name in names}


class ReportReviewForm(BootstrapMixin, forms.Form):
    """Open a case from a reported problem (with its organisation, found or new), or reject it."""

    decision = forms.ChoiceField(choices=[("accept", _("Open a case")), ("reject", _("Reject this report"))])
    organization = forms.CharField(required=False)  # "new", or the id of a proposed organisation
    other = forms.ModelChoiceField(
        label=_("Another organisation"),
        queryset=Organization.objects.none(),
        required=False,
        widget=AutocompleteSelect("organizations"),
    )
    owner = UserChoiceField(label=_("owner"), queryset=User.objects.none(), required=False)
    priority = forms.ChoiceField(label=_("priority"), choices=Priority.choices, initial=Priority.NORMAL, required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data=None, *, user, report, proposed):
        super().__init__(data)
        self.fields["other"].queryset = Organization.objects.restrict(user, "view")
        self.fields["owner"].queryset = services.eligible_owners(report.unit_id).order_by("username")
        self.proposed = {str(found.target.pk): found.target for found in proposed}

    def clean(self):
        cleaned = super().clean()
        cleaned["chosen"] = None
        if cleaned.get("decision") == "accept" and "other" not in self.errors:
            choice = cleaned.get("organization") or ""
            if cleaned.get("other") is not None:
                cleaned["chosen"] = cleaned["other"]
            elif choice in self.proposed:
                cleaned["chosen"] = self.proposed[choice]
            elif choice != "new":
                self.add_error("organization", _("Choose the organisation, or create it from what the report says."))
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the report is rejected."))
        return cleaned
