"""The public registration form of an activity: the fields the organiser chose, read with the same
parsers as a spreadsheet import (`qiao.imports.values`), and the spam checks.

Spam: a honeypot field hidden by CSS (people never see it, form-filling robots fill it) and a
signed time stamp issued with the form: a form sent back sooner than QIAO_REGISTRATION_MIN_SECONDS
(robots) or later than QIAO_REGISTRATION_MAX_SECONDS after it was shown is refused. Either failure
reads like any other validation error and does not say why.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from qiao.core.choices import Region
from qiao.imports import values
from qiao.imports.kinds.base import problem_text
from qiao.imports.kinds.people import DOCUMENT_REGION
from qiao.people.models import DocumentKind, Gender
from qiao.people.services import check_origin

# The fields an organiser may put on the form, in the order the form shows them. The name is always asked.
REGISTRATION_FIELDS = [
    ("name", capfirst(_("full name"))),
    ("name_latin", _("Name in Latin letters")),
    ("gender", _("Gender")),
    ("birth_date", _("Date of birth")),
    ("region", _("Region of origin")),
    ("phone", _("Phone")),
    ("email", _("E-mail")),
    ("document", capfirst(_("identity document"))),
    ("employer", capfirst(_("employer"))),
    ("title", capfirst(_("job title"))),
    ("first_visit", _("First visit")),
]
FIELD_CODES = tuple(code for code, _label in REGISTRATION_FIELDS)

STAMP_SALT = "qiao.activities.registration.stamp"
HONEYPOT = "homepage"  # a name form-filling robots like to fill
REFUSED = _("We could not accept the form. Please check your answers and send it again.")


def min_seconds() -> float:
    return float(getattr(settings, "QIAO_REGISTRATION_MIN_SECONDS", 3))


def max_seconds() -> float:
    return float(getattr(settings, "QIAO_REGISTRATION_MAX_SECONDS", 2 * 3600))


def chosen_fields(activity) -> list[str]:
    """The organiser's fields that the form knows, in the form's order, the name always first."""
    wanted = set(activity.registration_fields or []) if isinstance(activity.registration_fields, list) else set()
    return [code for code in FIELD_CODES if code == "name" or code in wanted]


def public_url(activity, request) -> str:
    """The absolute address of the activity's public registration page ("" before it is opened once)."""
    if not activity.registration_token:
        return ""
    return request.build_absolute_uri(reverse("activity_register", args=[activity.registration_token]))


def make_stamp(activity, at: float | None = None) -> str:
    """A signed note of when the form of `activity` was shown."""
    return signing.dumps({"a": activity.pk, "t": time.time() if at is None else at}, salt=STAMP_SALT)


def stamp_ok(activity, stamp: str, now: float | None = None) -> bool:
    try:
        payload = signing.loads(stamp or "", salt=STAMP_SALT)
    except signing.BadSignature:
        return False
    if not isinstance(payload, dict) or payload.get("a") != activity.pk:
        return False
    shown = payload.get("t")
    if not isinstance(shown, int | float) or isinstance(shown, bool):
        return False
    age = (time.time() if now is None else now) - shown
    return min_seconds() <= age <= max_seconds()


def _problem(problem: values.ValueProblem) -> ValidationError:
    return ValidationError(capfirst(str(problem_text(problem.code))), code=problem.code)


def _text(value: str, *, numeric: bool = False) -> str:
    try:
        return values.text(value, numeric=numeric) or ""
    except values.ValueProblem as problem:
        raise _problem(problem) from None


def _optional(label, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


def _choice(label, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "—"), *choices], required=False, **kwargs)


def _fields_for(code: str) -> dict[str, forms.Field]:
    """The form fields that ask for one of REGISTRATION_FIELDS."""
    if code == "name":
        label = capfirst(_("full name"))
        return {"name": forms.CharField(label=label, max_length=100, widget=_input(autocomplete="name"))}
    if code == "name_latin":
        help_text = _("As on travel documents, e.g. CHAN Tai Man.")
        return {"name_latin": _optional(_("Name in Latin letters"), 150, help_text=help_text)}
    if code == "gender":
        return {"gender": _choice(_("Gender"), Gender.choices)}
    if code == "birth_date":
        widget = forms.DateInput(attrs={"type": "date", "autocomplete": "bday"})
        return {"birth_date": _optional(_("Date of birth"), 40, widget=widget)}
    if code == "region":
        return {
            "region": _choice(_("Region of origin"), Region.choices),
            "country": _optional(capfirst(_("country")), 60, help_text=_("If you live overseas.")),
        }
    if code == "phone":
        help_text = _("With the country code if you are not in the mainland, e.g. +852 9123 4567.")
        return {"phone": _optional(_("Phone"), 100, help_text=help_text, widget=_input("tel", autocomplete="tel"))}
    if code == "email":
        return {"email": _optional(_("E-mail"), 254, widget=_input("email", autocomplete="email"))}
    if code == "document":
        return {
            "document_kind": forms.ChoiceField(
                label=capfirst(_("document type")),
                choices=[("", _("Tell from the number")), *DocumentKind.choices],
                required=False,
            ),
            "document_number": _optional(_("Document number"), 40),
        }
    if code == "employer":
        return {"employer": _optional(capfirst(_("employer")), 200)}
    if code == "title":
        return {"title": _optional(capfirst(_("job title")), 100)}
    if code == "first_visit":
        choices = [("yes", _("Yes, it is my first visit")), ("no", _("No, I have been before"))]
        label = _("Is this your first visit?")
        field = forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect)
        return {"first_visit": field}
    return {}


def _input(kind: str = "text", **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"type": kind, **attrs})


class RegistrationForm(forms.Form):
    """One person's registration for `activity`. `registrant()` gives the row the linkage reads,
    shaped as an imported row's data (qiao.imports.kinds.people)."""

    def __init__(self, data=None, *, activity):
        super().__init__(data)
        self.activity = activity
        self.codes = chosen_fields(activity)
        for code in self.codes:
            self.fields.update(_fields_for(code))
        add = self.fields.__setitem__
        add(
            "consent",
            forms.BooleanField(
                label=_("I have read and agree to the statement above."),
                error_messages={"required": _("Please agree to the statement to register.")},
            ),
        )
        add(HONEYPOT, forms.CharField(label=_("Leave this field empty"), required=False))
        add("stamp", forms.CharField(required=False, widget=forms.HiddenInput))
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for field in self.fields.values():  # Bootstrap's classes
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not widget.is_hidden:
                widget.attrs.setdefault("class", "form-control")

    # ------------------------------------------------------------ one field at a time

    def clean_name(self):
        name = _text(self.cleaned_data["name"])
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name

    def clean_name_latin(self):
        return _text(self.cleaned_data["name_latin"])

    def clean_employer(self):
        return _text(self.cleaned_data["employer"])

    def clean_title(self):
        return _text(self.cleaned_data["title"])

    def clean_birth_date(self):
        raw = self.cleaned_data["birth_date"]
        try:
            parsed = values.date(raw or None)
        except values.ValueProblem as problem:
            raise _problem(problem) from None
        if parsed is None:
            return None
        if parsed.partial:  # a year or a month is not enough on a form
            raise _problem(values.ValueProblem("date_format", "partial"))
        return parsed.value

    def clean_country(self):
        raw = _text(self.cleaned_data["country"])
        return (values.country(raw) or "") if raw else ""

    def clean_email(self):
        try:
            return values.emails(self.cleaned_data["email"] or None)
        except values.ValueProblem as problem:
            raise _problem(problem) from None

    def clean_first_visit(self):
        return {"yes": True, "no": False}.get(self.cleaned_data["first_visit"])

    # ------------------------------------------------------------ together

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT) or not stamp_ok(self.activity, cleaned.get("stamp", "")):
            raise ValidationError(REFUSED, code="refused")
        region = cleaned.get("region") or ""
        if "region" in self.fields and "country" not in self.errors:
            try:
                check_origin(region, cleaned.get("country", ""))
            except ValidationError as error:
                self.add_error(None, error)
        documents = []
        number = cleaned.get("document_number") or ""
        if number:
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
        if "phone" in self.fields and "phone" not in self.errors:
            hint = region or next((DOCUMENT_REGION[k] for k, _n in documents if k in DOCUMENT_REGION), None)
            try:
                cleaned["phones"] = values.phones(cleaned.get("phone") or None, hint)
            except values.ValueProblem as problem:
                self.add_error("phone", _problem(problem))
        return cleaned

    def registrant(self) -> dict:
        """The person as an imported row's data: what `qiao.imports.kinds.people.incoming` reads."""
        cleaned = self.cleaned_data
        return {
            "name": cleaned["name"],
            "name_latin": cleaned.get("name_latin", ""),
            "gender": cleaned.get("gender", ""),
            "birth_date": cleaned.get("birth_date"),
            "region": cleaned.get("region", ""),
            "country": cleaned.get("country", "") if cleaned.get("region") == "OVERSEAS" else "",
            "employer": cleaned.get("employer", ""),
            "title": cleaned.get("title", ""),
            "phones": cleaned.get("phones", []),
            "emails": cleaned.get("email", []),
            "documents": cleaned.get("documents", []),
            "education": {},
            "tags": [],
            "first_visit": cleaned.get("first_visit") if "first_visit" in self.fields else None,
        }

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    # ------------------------------------------------------------ for the template

    @property
    def fresh_stamp(self) -> str:
        """A new time stamp on every page: a refused form can be sent again once corrected."""
        return make_stamp(self.activity)

    def person_fields(self):
        """The visible fields but the consent and the honeypot, in order."""
        return [f for f in self.visible_fields() if f.name not in ("consent", HONEYPOT)]
