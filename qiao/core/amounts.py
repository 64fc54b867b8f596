"""Amounts of money in forms, the API and pages: typed in 元, 万元 or 亿元, kept as exact Decimal yuan.

The arithmetic is qiao/text/amounts.py (`to_yuan`, `in_unit`, `format_amount`); this module is the
Django side of it:

- `AmountField`, a form field: a text box and a unit select (元 / 万元 / 亿元) that defaults to the
  user's preference (`user.amount_unit`). Offices type "3.2亿", "3,200万", "1,234.5" or "１２３４";
  a 万/亿 typed in the text wins over the select. The value is Decimal yuan with two places. Errors
  name the field ("Planned investment: …").
- `AmountSerializerField`, for the API: amounts are exact decimal strings in yuan ("13910000000.00").
  It also accepts a JSON number, or a string with 万/亿 ("3.2亿"), and refuses floats finer than a fen.
- `display_amount(yuan, unit, language)`, what the `amount` template tag and filter show
  (qiao/core/templatetags/amounts.py). Rounded half up (四舍五入) to two decimals of the unit, as
  offices write it:

  | language | 元 | 万元 | 亿元 |
  |---|---|---|---|
  | zh-hans | 12,000,000元 | 1,234.57万元 | 139.1亿元 |
  | zh-hant | 12,000,000元 | 1,234.57萬元 | 139.1億元 |
  | en (any other) | 12,000,000 yuan | 1,234.57 × 10k yuan | 139.1 × 100M yuan |

  English keeps the unit the reader chose instead of rewriting it as "bn" or "million", so that a
  figure read in English is the same figure a colleague reads in Chinese ("139.1亿元" is
  "139.1 × 100M yuan", not "13.91 bn"). Totals are summed in exact yuan and rounded once.
"""

from __future__ import annotations

import decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qiao.text.amounts import FEN, UNIT_FACTORS, AmountError, format_amount, in_unit, to_yuan

UNITS = tuple(UNIT_FACTORS)  # "yuan", "wan", "yi"
DEFAULT_UNIT = "wan"
MAX_AMOUNT = decimal.Decimal("1000000000000")  # 1万亿元: no single project or tranche is larger
_HANT_SUFFIXES = {"yuan": "元", "wan": "萬元", "yi": "億元"}
_HANS_SUFFIXES = {"yuan": "元", "wan": "万元", "yi": "亿元"}


def user_unit(user) -> str:
    """The unit a user reads and types amounts in ("wan" when they have none)."""
    unit = getattr(user, "amount_unit", "") or DEFAULT_UNIT
    return unit if unit in UNIT_FACTORS else DEFAULT_UNIT


def _suffixes(language: str | None) -> dict | None:
    language = (language or translation.get_language() or "").lower()
    if language.startswith("zh"):
        traditional = language.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo"))
        return _HANT_SUFFIXES if traditional else _HANS_SUFFIXES
    return None


def unit_label(unit: str, language: str | None = None) -> str:
    """The unit's name as amounts are written: 万元 / 萬元 in Chinese, "× 10k yuan" in English."""
    suffixes = _suffixes(language)
    if suffixes is not None:
        return suffixes[unit]
    return {
        "yuan": pgettext("amount unit", "yuan"),
        "wan": pgettext("amount unit", "× 10k yuan"),
        "yi": pgettext("amount unit", "× 100M yuan"),
    }[unit]


def display_amount(yuan, unit: str = DEFAULT_UNIT, language: str | None = None, places: int = 2) -> str:
    """Decimal yuan in `unit`, rounded half up to `places` decimals, with the unit (see the module)."""
    if yuan is None or yuan == "":
        return ""
    unit = unit if unit in UNIT_FACTORS else DEFAULT_UNIT
    number = format_amount(decimal.Decimal(yuan), unit, places, suffix=False)
    if _suffixes(language) is not None:
        return number + unit_label(unit, language)
    return f"{number} {unit_label(unit, language)}"


def amount_input(yuan, unit: str) -> tuple[str, str]:
    """(text, unit) to put back in a form: the amount in `unit` when it is exact there with up to six
    decimals, otherwise in yuan, so that saving a form unchanged never rounds a fen away."""
    if yuan is None or yuan == "":
        return "", unit
    yuan = decimal.Decimal(yuan)
    with decimal.localcontext() as context:
        context.prec = 60
        value = yuan / UNIT_FACTORS[unit]
        if value == value.quantize(decimal.Decimal("0.000001")):
            return _plain(value), unit
    return _plain(yuan), "yuan"


def _plain(value: decimal.Decimal) -> str:
    value = value.normalize()
    if value == value.to_integral_value():
        value = value.quantize(decimal.Decimal(1))
    return f"{value:f}"


def check_bounds(yuan: decimal.Decimal, label, *, unit: str = DEFAULT_UNIT, allow_zero: bool = False) -> None:
    """Refuse a negative (or zero) amount and one above 1万亿元, naming the field; messages in `unit`."""
    if yuan < 0 or (yuan == 0 and not allow_zero):
        message = (
            _("%(field)s: the amount cannot be negative.")
            if yuan < 0
            else _("%(field)s: the amount must be more than zero.")
        )
        raise ValidationError(message % {"field": label}, code="min_value")
    if yuan > MAX_AMOUNT:
        raise ValidationError(
            _("%(field)s: %(amount)s is not plausible; amounts above %(max)s are refused. Check the unit.")
            % {"field": label, "amount": display_amount(yuan, unit), "max": display_amount(MAX_AMOUNT, unit)},
            code="max_value",
        )


def parse(value, unit: str, label) -> decimal.Decimal:
    """Text or a number as typed, in `unit`, as Decimal yuan; ValidationError naming the field."""
    try:
        return to_yuan(value, unit)
    except (AmountError, KeyError, decimal.DecimalException):
        raise ValidationError(
            _("%(field)s: “%(value)s” is not an amount. Write it as 3.2亿, 3,200万 or 1234.5, at most to the fen.")
            % {"field": label, "value": str(value)[:40]},
            code="invalid",
        ) from None


# ---------------------------------------------------------------------------------------------------------
# forms


class AmountWidget(forms.MultiWidget):
    """A text box and the unit select: "planned_amount" and "planned_amount_unit" in the POST data."""

    def __init__(self, attrs=None, unit: str = DEFAULT_UNIT):
        self.unit = unit
        widgets = {
            "": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            "unit": forms.Select(choices=[(u, u) for u in UNITS]),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, (list, tuple)):
            return list(value)
        return list(amount_input(value, self.unit))

    def get_context(self, name, value, attrs):
        self.widgets[1].choices = [(u, unit_label(u)) for u in UNITS]
        context = super().get_context(name, value, attrs)
        text, select = context["widget"]["subwidgets"]
        select["attrs"]["class"] = "form-select flex-grow-0 w-auto"
        select["attrs"]["aria-label"] = _("unit")
        select["attrs"].pop("required", None)
        text["attrs"]["class"] = "form-control"
        return context

    def value_from_datadict(self, data, files, name):
        text, unit = super().value_from_datadict(data, files, name)
        return [text, unit or self.unit]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<div class="input-group amount-input">{}</div>', super().render(name, value, attrs, renderer)
        )


class AmountField(forms.MultiValueField):
    """An amount typed in the user's unit (see the module); the cleaned value is Decimal yuan or None."""

    widget = AmountWidget

    def __init__(self, *, unit: str = DEFAULT_UNIT, allow_zero: bool = False, required: bool = True, **kwargs):
        self.unit = unit if unit in UNIT_FACTORS else DEFAULT_UNIT
        self.allow_zero = allow_zero
        fields = (forms.CharField(required=False), forms.ChoiceField(choices=[(u, u) for u in UNITS], required=False))
        kwargs.setdefault("help_text", _("In 元, 万元 or 亿元: choose the unit, or type it (3.2亿, 3,200万)."))
        super().__init__(fields, require_all_fields=False, required=required, **kwargs)
        self.widget = AmountWidget(unit=self.unit)

    def set_unit(self, unit: str) -> None:
        self.unit = unit if unit in UNIT_FACTORS else DEFAULT_UNIT
        self.widget.unit = self.unit

    def clean(self, value):
        text, unit = (list(value) + ["", ""])[:2] if isinstance(value, (list, tuple)) else (value, "")
        unit = unit if unit in UNIT_FACTORS else self.unit
        label = self.label or _("amount")
        if text is None or str(text).strip() == "":
            if self.required:
                raise ValidationError(_("%(field)s: enter an amount.") % {"field": label}, code="required")
            return None
        yuan = parse(text, unit, label)
        check_bounds(yuan, label, unit=unit, allow_zero=self.allow_zero)
        return yuan

    def compress(self, data_list):  # clean() does the work
        return data_list

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != (decimal.Decimal(initial) if initial not in (None, "") else None)
        except (ValidationError, decimal.DecimalException):
            return True


# ---------------------------------------------------------------------------------------------------------
# API


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^\d{1,13}(\.\d{1,2})?$",
        "example": "13910000000.00",
        "description": "Yuan, as an exact decimal string with at most two decimals.",
    }
)
class AmountSerializerField(serializers.Field):
    """An amount in the API: an exact decimal string in yuan ("13910000000.00").

    Input may also be a JSON number or a string with 万/亿 ("3.2亿" → "320000000.00"). Refused, naming
    the field: anything that is not a number, finer than a fen, negative (or zero unless allowed), or
    above 1万亿元."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return f"{decimal.Decimal(value).quantize(FEN):f}"

    def to_internal_value(self, data):
        label = self.label or self.field_name
        if isinstance(data, bool) or not isinstance(data, (str, int, float, decimal.Decimal)):
            raise serializers.ValidationError(
                _("%(field)s: a decimal string in yuan is expected, e.g. “13910000000.00”.") % {"field": label}
            )
        if isinstance(data, float):
            data = repr(data)
        try:
            yuan = parse(data, "yuan", label)
            check_bounds(yuan, label, unit="yuan", allow_zero=self.allow_zero)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return yuan


def in_user_unit(yuan, user, places: int = 2) -> decimal.Decimal:
    """The number (no unit) a user reads for an amount: `in_unit` in their unit."""
    return in_unit(decimal.Decimal(yuan), user_unit(user), places)
