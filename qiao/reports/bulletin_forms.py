"""Forms of the bulletin page: what to write (unit, period, language, format, exact figures,
template), and a bulletin template's editor."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qiao.core import scoping
from qiao.core.days import local_today
from qiao.core.forms import BootstrapMixin
from qiao.core.models import PATH_STEP, Unit

from . import bulletin, bulletin_templates, periods
from .models import EDIT_ACTION, BulletinTemplate

FORMAT_CHOICES = [("docx", _("Word (DOCX)")), ("xlsx", _("Excel (XLSX)")), ("md", _("Markdown (MD)"))]
PERIOD_FIELDS = ("period", "from", "to", "month", "quarter", "year")


def _field_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's error on the form's fields it names (else on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class BulletinForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    period = forms.ChoiceField(label=_("Period"), choices=list(periods.KINDS.items()), initial="ytd")
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.DateInput(attrs={"type": "month", "placeholder": "2026-05"})
    )
    quarter = forms.CharField(
        label=_("Quarter"), required=False, widget=forms.TextInput(attrs={"placeholder": "2026Q2"})
    )
    year = forms.CharField(label=_("Year"), required=False, widget=forms.NumberInput(attrs={"placeholder": "2026"}))
    lang = forms.ChoiceField(label=_("Language"), choices=list(bulletin.LANGUAGES.items()), initial="zh-hans")
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="docx")
    template = forms.ModelChoiceField(label=_("Template"), queryset=BulletinTemplate.objects.none(), required=False)
    exact = forms.BooleanField(label=_("Exact figures (not 4230余, 上千 …)"), required=False)

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, **kwargs)
        # `from` and `to` are Python words: added here, in the order of the page
        fields = list(self.fields.items())
        dates = {
            "from": forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})),
            "to": forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})),
        }
        for field in dates.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields = dict(fields[:2] + list(dates.items()) + fields[2:])
        units = Unit.objects.restrict(user, "view")
        self.fields["unit"].queryset = units
        shallowest = min((len(path) for path in units.values_list("path", flat=True)), default=0)
        self.fields["unit"].label_from_instance = lambda unit: (
            "— " * ((len(unit.path) - shallowest) // (PATH_STEP + 1)) + unit.name
        )
        self.fields["template"].queryset = bulletin_templates.templates_for(user)
        if not self.is_bound:
            top = units.order_by("path").first()
            default = (
                bulletin_templates.templates_for(user)
                .filter(unit__isnull=True, name=bulletin_templates.DEFAULT_NAME)
                .first()
            )
            self.initial.update(unit=top.pk if top else None, template=default.pk if default else None)

    def clean(self):
        cleaned = super().clean()
        params = {}
        for name in PERIOD_FIELDS:
            value = cleaned.get(name)
            if value:
                params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        try:
            cleaned["the_period"] = periods.parse(params, local_today(self.user))
        except ValidationError as error:
            _field_errors(self, error)
        return cleaned


class BulletinTemplateForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = BulletinTemplate
        fields = ["name", "unit", "title", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 28, "class": "form-control font-monospace", "spellcheck": "false"})
        }
        help_texts = {
            "body": _(
                "One line each: “# heading” starts a section; other lines are paragraphs with placeholders such "
                "as {activities.batches} or {activities.person_times:同比}; “表：metrics 按 breakdown | title” is a "
                "table, “图：metric 按 breakdown | title” a chart, “无数据：…” what an empty section says; lines "
                "starting with // are notes."
            )
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None):
        self.user = user
        super().__init__(data, files, instance=instance)
        ids = scoping.unit_ids(user, EDIT_ACTION)
        units = Unit.objects.all() if ids is scoping.ALL else Unit.objects.filter(pk__in=ids)
        self.fields["unit"].queryset = units
        self.fields["unit"].required = not user.is_superuser
        self.fields["unit"].empty_label = _("(shared by every unit)") if user.is_superuser else None
        if not self.instance.pk and not self.is_bound and not self.initial.get("unit") and not user.is_superuser:
            first = units.order_by("path").first()
            self.initial["unit"] = first.pk if first else None

    def clean(self):
        cleaned = super().clean()
        title, body = cleaned.get("title"), cleaned.get("body")
        if title is not None and body is not None:
            try:
                bulletin_templates.parse(title, body)
            except ValidationError as error:
                _field_errors(self, error)
        name = cleaned.get("name")
        if name:
            same = BulletinTemplate.objects.filter(unit=cleaned.get("unit"), name=name).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", _("This unit already has a bulletin template of this name."))
        return cleaned

    def save(self, user):
        return bulletin_templates.save_template(user, super().save(commit=False))
