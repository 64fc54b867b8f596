"""Forms of the public forms and of their review.

The public forms read values with the same parsers as spreadsheet imports (`qiao.imports.values`:
phones, e-mails, identity documents, registration numbers) and check a demand with the same rules
as staff's demand form (`services.check_demand`); every problem is reported on its own field. Spam
checks are the activities' registration form's: a honeypot field hidden by CSS and a signed time
stamp (see `qiao.activities.registration_forms`), keyed on the intake.
"""

from __future__ import annotations

import decimal
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao import text
from qiao.activities.registration_forms import HONEYPOT, REFUSED, _problem, _text, make_stamp, stamp_ok
from qiao.core.choices import OrganizationRegion, Region
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.widgets import AutocompleteSelect
from qiao.imports import values
from qiao.imports.kinds.people import DOCUMENT_REGION
from qiao.orgs.models import Organization, RegistrationKind
from qiao.orgs.services import clean_registration
from qiao.people.models import Degree, DocumentKind, Gender, Person
from qiao.people.services import check_origin

from . import services as matching
from .models import (
    AmountPeriod,
    Availability,
    Demand,
    DemandKind,
    DemandStatus,
    Field,
    Intake,
    Language,
    WorkMode,
)

MAX_FIELDS = 12  # taxonomy fields one form may tick
DATE = {"type": "date"}


class StampKey:
    """What the registration form's spam checks (time stamp, rate limit) are keyed on: an intake,
    kept apart from activities with the same primary key."""

    def __init__(self, intake: Intake):
        self.pk = f"intake-{intake.pk}"


# ---------------------------------------------------------------- staff: the public form links


class IntakeForm(ScopedModelForm):
    class Meta:
        model = Intake
        fields = ["kind", "title", "introduction", "active", "unit"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "introduction": _("Shown above the form: who you are, what the form is for, whom to ask."),
            "active": _("Untick to close the form: its link and QR code then lead to a “form closed” page."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # printed QR codes lead to it: what it receives stays
            self.fields["kind"].disabled = True

    def save(self, user):
        from . import submissions

        return submissions.save_intake(user, super().save(commit=False))


# ---------------------------------------------------------------- the public forms


def _optional(label, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


def _choice(label, choices, *, required: bool = False, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "—"), *choices], required=required, **kwargs)


def _boxes(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple)


def _input(kind: str = "text", **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"type": kind, **attrs})


class AmountField(forms.CharField):
    """An amount in yuan as people write it: 15000, 15,000, 1.5万, ¥8000, 8000元."""

    default_error_messages = {"invalid": _("Write an amount in yuan, e.g. 15000 or 1.5万.")}
    shape = re.compile(
        r"[¥$]?\s*(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?\s*[十百千万萬亿億]*\s*"
        r"(?:元|人民币|人民幣|rmb|cny|hkd|港元|港币|港幣)?",
        re.IGNORECASE,
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", _input(inputmode="decimal"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        written = unicodedata.normalize("NFKC", value).strip()
        amount = text.parse_amount(written) if self.shape.fullmatch(written) else None
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if amount >= 10**12:
            raise ValidationError(_("The amount is too large."), code="too_large")
        return amount.quantize(decimal.Decimal("0.01"))


class FieldsField(forms.ModelMultipleChoiceField):
    """Fields of the taxonomy, ticked in boxes grouped by their top field (see `taxonomy_groups`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Field.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)

    def clean(self, value):
        chosen = super().clean(value)
        if len(chosen) > MAX_FIELDS:
            raise ValidationError(
                _("Tick at most %(count)d fields: the most specific ones.") % {"count": MAX_FIELDS}, code="too_many"
            )
        return list(chosen)


class PublicForm(forms.Form):
    """What both public forms share: the consent box, the spam checks, clean text in every text field,
    Bootstrap's classes and invalid fields marked for screen readers."""

    texts: tuple[str, ...] = ()  # one-line text fields, cleaned like an imported cell
    long_texts: tuple[str, ...] = ()  # the same, keeping line breaks
    consent_error = _("Please agree to the statement to send the form.")

    def __init__(self, data=None, *, intake: Intake):
        super().__init__(data)
        self.intake = intake
        self.key = StampKey(intake)
        self.fields["consent"] = forms.BooleanField(
            label=_("I have read and agree to the statement above."),
            error_messages={"required": self.consent_error},
        )
        self.fields[HONEYPOT] = forms.CharField(label=_("Leave this field empty"), required=False)
        self.fields["stamp"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not widget.is_hidden:
                widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT) or not stamp_ok(self.key, cleaned.get("stamp", "")):
            raise ValidationError(REFUSED, code="refused")
        for name in (*self.texts, *self.long_texts):
            if name not in self.errors and cleaned.get(name):
                try:
                    if name in self.long_texts:
                        cleaned[name] = values.text(cleaned[name], multiline=True) or ""
                    else:
                        cleaned[name] = _text(cleaned[name])
                except values.ValueProblem as problem:
                    self.add_error(name, _problem(problem))
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    @property
    def fresh_stamp(self) -> str:
        """A new time stamp on every page: a refused form can be sent again once corrected."""
        return make_stamp(self.key)

    def section(self, *names: str) -> list:
        return [self[name] for name in names]

    def taxonomy_groups(self) -> list[dict]:
        """The taxonomy as boxes grouped by top field (新能源: 储能, 锂电池 …), the ticked ones marked;
        a group with a ticked box starts open."""
        if self.is_bound:
            chosen = set(self.data.getlist("fields")) if hasattr(self.data, "getlist") else set()
        else:
            chosen = {str(v) for v in self.initial.get("fields", [])}
        groups: list[dict] = []
        for field in Field.objects.all():  # by path: each top field, then its branch
            item = {"pk": field.pk, "label": str(field), "depth": field.depth, "checked": str(field.pk) in chosen}
            if field.parent_id is None or not groups:
                groups.append({"label": str(field), "items": [], "open": False})
            groups[-1]["items"].append(item)
            groups[-1]["open"] |= item["checked"]
        return groups


class DemandSubmissionForm(PublicForm):
    """An enterprise's demand. `demand()` and `organization()` give what the service keeps."""

    organization_name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    registration_kind = forms.ChoiceField(
        label=_("Registration type"),
        choices=[("", _("Tell from the number")), *RegistrationKind.choices],
        required=False,
    )
    registration_number = _optional(
        _("Registration number"),
        40,
        help_text=_("Unified Social Credit Code, Hong Kong Business Registration or Taiwan Unified Business Number."),
    )
    region = _choice(_("Where the organisation is based"), OrganizationRegion.choices, required=True)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, widget=_input(autocomplete="name"))
    contact_phone = _optional(
        _("Contact phone"),
        100,
        help_text=_("With the country code if you are not in the mainland, e.g. +852 9123 4567."),
        widget=_input("tel", autocomplete="tel"),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"), required=False, widget=_input("email", autocomplete="email")
    )
    kind = _choice(_("Kind of demand"), DemandKind.choices, required=True)
    title = forms.CharField(
        label=pgettext_lazy("demand", "Title"), max_length=200, help_text=_("e.g. 锂电池研发工程师, 跨境电商合作伙伴")
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    fields = FieldsField(label=_("Fields"))
    skills = _optional(_("Skills"), 300, help_text=_("Free text, e.g. 电池管理系统, Python, 粤语沟通"))
    min_degree = _choice(_("Minimum degree"), Degree.choices)
    min_experience_years = forms.IntegerField(
        label=_("Minimum years of experience"), min_value=0, max_value=60, required=False
    )
    languages = _boxes(_("Languages"), Language.choices)
    place = _optional(pgettext_lazy("location", "Place"), 200, help_text=_("City or district, e.g. 惠州仲恺"))
    work_mode = _choice(_("Work mode"), WorkMode.choices)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, max_value=10000, initial=1)
    amount_min = AmountField(label=_("Salary or budget from"))
    amount_max = AmountField(label=_("Salary or budget up to"))
    amount_period = forms.ChoiceField(label=_("Salary or budget is"), choices=AmountPeriod.choices)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs=DATE))

    texts = ("organization_name", "registration_number", "contact_name", "title", "skills", "place")
    long_texts = ("description",)

    def sections(self) -> list[tuple[str, list]]:
        return [
            (
                _("Organisation"),
                self.section("organization_name", "region", "registration_kind", "registration_number"),
            ),
            (_("Contact"), self.section("contact_name", "contact_phone", "contact_email")),
            (
                _("The demand"),
                self.section(
                    "kind",
                    "title",
                    "description",
                    "fields",
                    "skills",
                    "min_degree",
                    "min_experience_years",
                    "languages",
                    "place",
                    "work_mode",
                    "headcount",
                    "amount_min",
                    "amount_max",
                    "amount_period",
                    "valid_until",
                ),
            ),
        ]

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value is not None and value < timezone.localdate():
            raise ValidationError(_("The date is in the past."), code="past")
        return value

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region") or None
        number = cleaned.get("registration_number") or ""
        cleaned["registration"] = ("", "")
        if number and "registration_number" not in self.errors:
            kind = cleaned.get("registration_kind") or ""
            try:
                if kind:
                    cleaned["registration"] = (kind, clean_registration(kind, number))
                else:
                    cleaned["registration"] = values.registration(number, region) or ("", "")
            except values.ValueProblem as problem:
                self.add_error("registration_number", _problem(problem))
            except ValidationError as error:
                self.add_error("registration_number", error)
        phone = cleaned.get("contact_phone") or ""
        if phone and "contact_phone" not in self.errors:
            try:
                phones = values.phones(phone, region)
            except values.ValueProblem as problem:
                self.add_error("contact_phone", _problem(problem))
            else:
                if len(phones) > 1:
                    self.add_error("contact_phone", _("Give one phone number."))
                cleaned["contact_phone"] = phones[0] if phones else ""
        if not phone and not cleaned.get("contact_email") and "contact_email" not in self.errors:
            self.add_error("contact_phone", _("Give a phone or an e-mail so that we can reach you."))
        try:  # the rules of every demand, as staff's form checks them, on the fields read well
            matching.check_demand(self.demand())
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, messages)
        return cleaned

    def demand(self) -> Demand:
        """The demand as sent (unsaved, without its fields of the taxonomy)."""
        cleaned = self.cleaned_data
        names = (
            "kind",
            "title",
            "description",
            "skills",
            "min_degree",
            "min_experience_years",
            "place",
            "work_mode",
            "headcount",
            "amount_min",
            "amount_max",
            "amount_period",
            "valid_until",
            "contact_name",
            "contact_phone",
            "contact_email",
        )
        demand = Demand(status=DemandStatus.SUBMITTED, **{name: cleaned.get(name) for name in names})
        for name in ("description", "skills", "min_degree", "place", "work_mode", "contact_phone", "contact_email"):
            setattr(demand, name, getattr(demand, name) or "")
        demand.languages = list(cleaned.get("languages") or [])
        return demand

    def organization(self) -> dict:
        """The organisation as sent, kept on the demand until a reviewer links it to the registry."""
        cleaned = self.cleaned_data
        kind, number = cleaned.get("registration") or ("", "")
        return {
            "name": cleaned["organization_name"],
            "registration_kind": kind if number else "",
            "registration_number": number,
            "region": cleaned.get("region") or "",
        }


class ProfileSubmissionForm(PublicForm):
    """A person's own talent profile. `submission_data()` gives what the service keeps."""

    consent_error = _("Please agree to the statement: without it we cannot keep your profile.")

    name = forms.CharField(label=capfirst(_("full name")), max_length=100, widget=_input(autocomplete="name"))
    name_latin = _optional(_("Name in Latin letters"), 150, help_text=_("As on travel documents, e.g. CHAN Tai Man."))
    gender = _choice(_("Gender"), Gender.choices)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={**DATE, "autocomplete": "bday"})
    )
    region = _choice(_("Region of origin"), Region.choices, required=True)
    country = _optional(capfirst(_("country")), 60, help_text=_("If you live overseas."))
    phone = _optional(
        _("Phone"),
        100,
        help_text=_("With the country code if you are not in the mainland, e.g. +852 9123 4567."),
        widget=_input("tel", autocomplete="tel"),
    )
    email = _optional(_("E-mail"), 254, widget=_input("email", autocomplete="email"))
    document_kind = forms.ChoiceField(
        label=capfirst(_("document type")),
        choices=[("", _("Tell from the number")), *DocumentKind.choices],
        required=False,
    )
    document_number = _optional(_("Document number"), 40)
    employer = _optional(_("Current employer"), 200)
    title = _optional(capfirst(_("job title")), 100)
    degree = _choice(_("Highest degree"), Degree.choices)
    institution = _optional(_("Institution"), 200)
    field_of_study = _optional(_("Field of study"), 100)
    graduation_year = forms.IntegerField(label=_("Year of graduation"), min_value=1940, max_value=2100, required=False)
    fields = FieldsField(label=_("Fields"))
    skills = _optional(_("Skills"), 300, help_text=_("Free text, e.g. 电池管理系统, Python, 粤语沟通"))
    experience_years = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=70, required=False)
    languages = _boxes(_("Languages"), Language.choices)
    work_modes = _boxes(_("Work modes wanted"), WorkMode.choices)
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices, initial=Availability.OPEN)
    residence = _optional(_("City of residence"), 100, help_text=_("e.g. 香港, 惠州"))
    profile = forms.CharField(
        label=_("About you"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Experience, expertise, what you are looking for."),
    )

    texts = (
        "name",
        "name_latin",
        "country",
        "employer",
        "title",
        "institution",
        "field_of_study",
        "skills",
        "residence",
    )
    long_texts = ("profile",)

    def __init__(self, data=None, *, intake: Intake):
        super().__init__(data, intake=intake)
        self.fields["contact_consent"] = forms.BooleanField(
            label=_("You may contact me about jobs, projects and policies that fit my profile."), required=False
        )
        self.fields["contact_consent"].widget.attrs["class"] = "form-check-input"

    def sections(self) -> list[tuple[str, list]]:
        return [
            (
                _("About you"),
                self.section("name", "name_latin", "gender", "birth_date", "region", "country"),
            ),
            (_("Contact"), self.section("phone", "email")),
            (_("Identity document"), self.section("document_kind", "document_number")),
            (
                _("Work and education"),
                self.section(
                    "employer",
                    "title",
                    "degree",
                    "institution",
                    "field_of_study",
                    "graduation_year",
                    "experience_years",
                ),
            ),
            (
                _("What you offer and look for"),
                self.section("fields", "skills", "languages", "work_modes", "availability", "residence", "profile"),
            ),
        ]

    def clean_graduation_year(self):
        value = self.cleaned_data["graduation_year"]
        if value is not None and value > timezone.localdate().year + 8:
            raise ValidationError(_("The year is too far in the future."), code="future")
        return value

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value is None:
            return None
        if value > timezone.localdate():
            raise ValidationError(_("The date is in the future."), code="future")
        if value.year < 1900:
            raise ValidationError(_("The date is too far in the past."), code="past")
        return value

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region") or ""
        if "country" not in self.errors:
            country = cleaned.get("country") or ""
            cleaned["country"] = (values.country(country) or "") if country and region == "OVERSEAS" else ""
            try:
                check_origin(region, cleaned["country"])
            except ValidationError as error:
                self.add_error(None, error)
        documents = []
        number = cleaned.get("document_number") or ""
        if number and "document_number" not in self.errors:
            kind = cleaned.get("document_kind") or ""
            try:
                if kind:
                    found = values.document_for_column(kind, number, region or None)
                else:
                    found = values.document(None, number, region or None)
            except values.ValueProblem as problem:
                self.add_error("document_number", _problem(problem))
            else:
                if found:
                    documents.append(found)
        cleaned["documents"] = documents
        cleaned["phones"], cleaned["emails"] = [], []
        if cleaned.get("phone") and "phone" not in self.errors:
            hint = region or next((DOCUMENT_REGION[k] for k, _n in documents if k in DOCUMENT_REGION), None)
            try:
                cleaned["phones"] = values.phones(cleaned["phone"], hint)
            except values.ValueProblem as problem:
                self.add_error("phone", _problem(problem))
        if cleaned.get("email") and "email" not in self.errors:
            try:
                cleaned["emails"] = values.emails(cleaned["email"])
            except values.ValueProblem as problem:
                self.add_error("email", _problem(problem))
        if not cleaned.get("phone") and not cleaned.get("email") and not {"phone", "email"} & set(self.errors):
            self.add_error("phone", _("Give a phone or an e-mail so that we can reach you."))
        return cleaned

    def submission_data(self) -> dict:
        """What the form says, as JSON: the registry's own codes and normalised numbers."""
        cleaned = self.cleaned_data
        birth = cleaned.get("birth_date")
        education = {
            "degree": cleaned.get("degree") or "",
            "institution": cleaned.get("institution") or "",
            "field": cleaned.get("field_of_study") or "",
            "year": cleaned.get("graduation_year"),
        }
        return {
            "name": cleaned["name"],
            "name_latin": cleaned.get("name_latin") or "",
            "gender": cleaned.get("gender") or "",
            "birth_date": birth.isoformat() if birth else None,
            "region": cleaned.get("region") or "",
            "country": cleaned.get("country") or "",
            "phones": cleaned.get("phones") or [],
            "emails": cleaned.get("emails") or [],
            "documents": [list(d) for d in cleaned.get("documents") or []],
            "employer": cleaned.get("employer") or "",
            "title": cleaned.get("title") or "",
            "education": {k: v for k, v in education.items() if v not in (None, "")},
            "fields": [field.code for field in cleaned.get("fields") or []],
            "skills": cleaned.get("skills") or "",
            "experience_years": cleaned.get("experience_years"),
            "languages": list(cleaned.get("languages") or []),
            "work_modes": list(cleaned.get("work_modes") or []),
            "availability": cleaned.get("availability") or Availability.OPEN,
            "residence": cleaned.get("residence") or "",
            "profile": cleaned.get("profile") or "",
            "contact_consent": bool(cleaned.get("contact_consent")),
        }


# ---------------------------------------------------------------- staff: the review


class DemandReviewForm(BootstrapMixin, forms.Form):
    """Open a submitted demand linked to an organisation, or reject it with a reason."""

    decision = forms.ChoiceField(choices=[("open", _("Open the demand")), ("reject", _("Reject this form"))])
    organization = forms.CharField(required=False)  # "new", or the id of a proposed organisation
    other = forms.ModelChoiceField(
        label=_("Another organisation"),
        queryset=Organization.objects.none(),
        required=False,
        widget=AutocompleteSelect("organizations"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data=None, *, user, proposed):
        super().__init__(data)
        self.fields["other"].queryset = Organization.objects.restrict(user, "view")
        self.proposed = {str(found.target.pk): found.target for found in proposed}

    def clean(self):
        cleaned = super().clean()
        cleaned["create"] = False
        cleaned["chosen"] = None
        if cleaned.get("decision") == "open" and "other" not in self.errors:
            choice = cleaned.get("organization") or ""
            if cleaned.get("other") is not None:
                cleaned["chosen"] = cleaned["other"]
            elif choice == "new":
                cleaned["create"] = True
            elif choice in self.proposed:
                cleaned["chosen"] = self.proposed[choice]
            else:
                self.add_error("organization", _("Choose the organisation, or create it from what the form says."))
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the demand is rejected."))
        return cleaned


class ProfileReviewForm(BootstrapMixin, forms.Form):
    """Link a submitted profile to a person (update them, or a new person), or reject it."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept and link")), ("reject", _("Reject this form"))])
    person = forms.CharField(required=False)  # "new", or the id of a proposed person
    other = forms.ModelChoiceField(
        label=_("Another person"),
        queryset=Person.objects.none(),
        required=False,
        widget=AutocompleteSelect("people"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data=None, *, user, proposed):
        super().__init__(data)
        self.fields["other"].queryset = Person.objects.restrict(user, "change")
        self.proposed = {str(person.pk): person for person in proposed}

    def clean(self):
        cleaned = super().clean()
        cleaned["chosen"] = None
        cleaned["create"] = False
        if cleaned.get("decision") == "accept" and "other" not in self.errors:
            choice = cleaned.get("person") or ""
            if cleaned.get("other") is not None:
                cleaned["chosen"] = cleaned["other"]
            elif choice == "new":
                cleaned["create"] = True
            elif choice in self.proposed:
                cleaned["chosen"] = self.proposed[choice]
            else:
                self.add_error("person", _("Choose the person to update, or a new person."))
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the form is rejected."))
        return cleaned
