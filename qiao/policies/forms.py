import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import BootstrapMixin, ScopedModelForm

from . import services
from .models import Benefit, BenefitKind, Policy

DATE = {"type": "date"}


class PolicyForm(ScopedModelForm):
    source_url = forms.URLField(
        label=Policy._meta.get_field("source_url").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = Policy
        fields = [
            "title",
            "issuer",
            "region",
            "document_number",
            "effective_from",
            "effective_to",
            "source_url",
            "source_file",
            "summary",
            "unit",
        ]
        widgets = {
            "effective_from": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "effective_to": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "effective_from": _("Empty: in force since always."),
            "effective_to": _("Empty: no end date yet. The policy still counts on this date, not after."),
            "document_number": _("e.g. 惠府办〔2024〕12号"),
        }

    def clean_source_file(self):
        """A PDF or Office document within the attachment limit, by its content (qiao/core/uploads.py)."""
        from django.conf import settings

        from qiao.core.uploads import DOCUMENTS, check_upload

        upload = self.cleaned_data.get("source_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            check_upload(
                upload,
                allowed=DOCUMENTS,
                max_bytes=settings.QIAO_ATTACHMENT_MAX_MB * 2**20,
                allowed_text=_("PDF or Office documents only."),
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("The end date is before the start date."))
        return cleaned

    def save(self, user):
        return services.save_policy(user, super().save(commit=False))


class RuleField(forms.JSONField):
    """The rule as JSON: the rule builder writes it; without JavaScript it is typed or pasted."""

    default_error_messages = {"invalid": _("The rule is not valid JSON: %(error)s")}

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return {}
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"error": error}
                ) from error
            except RecursionError as error:
                raise ValidationError(_("The rule is nested too deeply."), code="invalid") from error
        return value

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value or {}, ensure_ascii=False, indent=1)


class BenefitForm(BootstrapMixin, forms.ModelForm):
    rule = RuleField(
        label=_("eligibility rule"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace", "data-rule-builder": ""}),
        help_text=_(
            "Build it with the conditions above, or write it as JSON, e.g. "
            '{"all": [{"attr": "region", "op": "in", "value": ["HK", "MO"]}, '
            '{"attr": "age", "op": "le", "value": 35}]}. '
            "Empty: everyone qualifies."
        ),
    )

    class Meta:
        model = Benefit
        fields = ["kind", "name", "amount", "amount_max", "amount_note", "description", "rule"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        self.user = user
        super().__init__(data, files, instance=instance)
        self.fields["kind"].queryset = BenefitKind.objects.order_by("position", "code")
        for name in ("amount", "amount_max"):
            self.fields[name].widget.attrs["min"] = 0

    def clean_rule(self):
        rule = self.cleaned_data.get("rule")
        problems = services.rule_problems(rule)
        if problems:
            raise ValidationError(problems)
        return rule or {}

    def clean(self):
        cleaned = super().clean()
        amount, amount_max = cleaned.get("amount"), cleaned.get("amount_max")
        for name in ("amount", "amount_max"):
            if cleaned.get(name) is not None and cleaned[name] < 0:
                self.add_error(name, _("An amount cannot be negative."))
        if amount is not None and amount_max is not None and amount_max < amount:
            self.add_error("amount_max", _("“Up to” is less than the amount."))
        return cleaned

    def save(self, user):
        return services.save_benefit(user, super().save(commit=False))


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("as of"), required=False, widget=forms.DateInput(attrs=DATE))
