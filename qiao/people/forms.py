from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qiao.core import sensitive
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.models import Unit
from qiao.core.widgets import AutocompleteSelect
from qiao.orgs.models import Organization

from .models import Affiliation, DocumentKind, Education, Person, PersonShare
from .services import check_origin, clean_document, clean_phones, save_person


class DocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("document type"), choices=[("", "—"), *DocumentKind.choices], required=False)
    number = forms.CharField(label=_("number"), max_length=40, required=False)
    country = forms.CharField(
        label=_("issuing country"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("issuing country")}),
    )

    def __init__(self, *args, stored=(), **kwargs):
        self.stored = stored  # (kind, number) of the person's documents: a masked number sent back is kept
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        kind, number = cleaned.get("kind"), cleaned.get("number", "").strip()
        if kind and number:
            number = sensitive.restore_document(kind, number, self.stored)
            try:
                cleaned["number"] = clean_document(kind, number)
            except ValidationError as error:
                self.add_error("number", error)
        elif kind and not number:
            self.add_error("number", _("Enter the number of this document."))
        elif number and not kind:
            self.add_error("kind", _("Choose the document type."))
        return cleaned


class EducationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Education
        fields = ["degree", "institution", "country", "field", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("institution", "country", "field", "year"):  # the rows have no labels: say it inside
            self.fields[name].widget.attrs["placeholder"] = self.fields[name].label

    def has_content(self) -> bool:
        return any(self.cleaned_data.get(f) for f in self.Meta.fields)


DocumentFormSet = forms.formset_factory(DocumentForm, extra=1, can_delete=True)
EducationFormSet = forms.formset_factory(EducationForm, extra=1, can_delete=True)


def _lines(value: str) -> list[str]:
    return [
        line.strip()
        for line in value.replace(",", "\n").replace("，", "\n").replace("；", "\n").replace(";", "\n").splitlines()
        if line.strip()
    ]


class PersonForm(ScopedModelForm):
    phones_text = forms.CharField(
        label=_("phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. +852 9123 4567 or 138 1234 5678."),
    )
    emails_text = forms.CharField(
        label=_("e-mails"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line.")
    )
    tags_text = forms.CharField(
        label=_("fields and skills"), required=False, help_text=_("Separate with commas, e.g. 人工智能, 金融科技.")
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "name_latin",
            "gender",
            "birth_date",
            "region",
            "country",
            "unit",
            "employer",
            "employer_org",
            "title",
            "roles",
            "profile",
            "consent_date",
            "consent_scope",
            "consent_source",
            "notes",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "consent_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "roles": forms.CheckboxSelectMultiple,
            "employer_org": AutocompleteSelect("organizations"),
            "profile": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.limit("employer_org", Organization.objects.all())
        self.fields["roles"].widget.attrs["class"] = "form-check-input"
        # what is stored now: a value shown masked and sent back unchanged keeps the stored one
        self.stored = {"phones": [], "emails": [], "documents": [], "birth_date": None}
        self.sees_all = True
        if instance and instance.pk:
            self.stored = {
                "phones": list(instance.phones or []),
                "emails": list(instance.emails or []),
                "documents": [(d.kind, d.number) for d in instance.documents.all()],
                "birth_date": instance.birth_date,
            }
            # without view_sensitive the form shows the values masked, as the person's page does
            shown = sensitive.masked_person_values(user, instance)
            self.sees_all = not shown.masked
            self.fields["phones_text"].initial = "\n".join(shown.phones)
            self.fields["emails_text"].initial = "\n".join(shown.emails)
            self.fields["tags_text"].initial = ", ".join(t.name for t in instance.tags.all())
            documents = [{"kind": d.kind, "number": d.display, "country": d.country} for d in shown.documents]
            education = [e.history_summary() for e in instance.education.all()]
            if shown.masked:
                for name in ("phones_text", "emails_text"):
                    self.fields[name].help_text = _(
                        "Partly hidden values (with *) are kept as stored unless you change them."
                    )
                if shown.birth_year:
                    self.initial["birth_date"] = None
                    self.fields["birth_date"].help_text = _(
                        "Hidden: born in %(year)s. Leave empty to keep the stored date, or enter a new one."
                    ) % {"year": shown.birth_year}
        else:
            documents, education = [], []
        self.documents = DocumentFormSet(
            data, prefix="doc", initial=documents, form_kwargs={"stored": self.stored["documents"]}
        )
        self.education = EducationFormSet(data, prefix="edu", initial=education)

    def clean_phones_text(self):
        try:
            lines = sensitive.restore_phones(_lines(self.cleaned_data["phones_text"]), self.stored["phones"])
            return clean_phones(lines, self.data.get("region", ""))
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean_emails_text(self):
        lines = sensitive.restore_emails(_lines(self.cleaned_data["emails_text"]), self.stored["emails"])
        emails = [e.lower() for e in lines]
        validator = forms.EmailField()
        for email in emails:
            if sensitive.still_masked(email):
                raise ValidationError(
                    _("“%(value)s” is partly hidden and matches no stored e-mail: type the full address.")
                    % {"value": email}
                )
            validator.clean(email)
        return list(dict.fromkeys(emails))

    def clean(self):
        cleaned = super().clean()
        try:
            check_origin(cleaned.get("region", ""), cleaned.get("country", ""))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        return self.documents.is_valid() and self.education.is_valid() and valid

    def save(self, user):
        person = self.instance
        for name, value in self.cleaned_data.items():
            if name in ("roles",) or name.endswith("_text"):
                continue
            setattr(person, name, value)
        person.birth_date = sensitive.keep_birth_date(
            self.cleaned_data.get("birth_date"), self.stored["birth_date"], seen=self.sees_all
        )
        person.phones = self.cleaned_data["phones_text"]
        person.emails = self.cleaned_data["emails_text"]
        documents = [
            {"kind": f.cleaned_data["kind"], "number": f.cleaned_data["number"], "country": f.cleaned_data["country"]}
            for f in self.documents.forms
            if f.cleaned_data.get("kind") and not f.cleaned_data.get("DELETE")
        ]
        education = [
            {k: f.cleaned_data.get(k) or ("" if k != "year" else None) for k in EducationForm.Meta.fields}
            for f in self.education.forms
            if f.cleaned_data and f.has_content() and not f.cleaned_data.get("DELETE")
        ]
        tags = [t.strip() for t in _lines(self.cleaned_data["tags_text"])]
        return save_person(
            user, person, documents=documents, education=education, tags=tags, roles=self.cleaned_data.get("roles", [])
        )


class ShareForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PersonShare
        fields = ["unit", "access", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.all()
        self.fields["note"].widget.attrs["placeholder"] = _("Why (optional)")


class AffiliationForm(ScopedModelForm):
    class Meta:
        model = Affiliation
        fields = ["person", "organization", "kind", "title", "start", "end", "unit"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "person": AutocompleteSelect("people"),
            "organization": AutocompleteSelect("organizations"),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.limit("person", Person.objects.all())
        self.limit("organization", Organization.objects.all())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return cleaned

    def save(self, user):
        from qiao.core import services

        return services.save(user, super().save(commit=False))
