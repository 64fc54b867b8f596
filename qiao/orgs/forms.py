from django import forms
from django.core.exceptions import ValidationError

from qiao.core import services
from qiao.core.forms import ScopedModelForm
from qiao.core.models import Tag
from qiao.core.widgets import AutocompleteSelect

from .models import Organization
from .services import clean_registration


class OrganizationForm(ScopedModelForm):
    tags_text = forms.CharField(label=Organization._meta.get_field("tags").verbose_name, required=False)
    website = forms.URLField(
        label=Organization._meta.get_field("website").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "name_latin",
            "kind",
            "region",
            "country",
            "industry",
            "registration_kind",
            "registration_number",
            "parent",
            "address",
            "phone",
            "website",
            "unit",
            "notes",
        ]
        widgets = {"parent": AutocompleteSelect("organizations"), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        super().__init__(data, files, instance=instance, user=user)
        self.limit("parent", Organization.objects.all())
        if instance and instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in instance.tags.all())

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("registration_number")
        if number:
            try:
                cleaned["registration_number"] = clean_registration(cleaned.get("registration_kind", ""), number)
            except ValidationError as error:
                self.add_error("registration_number", error)
        return cleaned

    def save(self, user):
        names = [t.strip() for t in self.cleaned_data["tags_text"].replace("，", ",").split(",") if t.strip()]
        return services.save(user, super().save(commit=False), m2m={"tags": Tag.for_names(names)})
