"""Amounts of money as offices write them: 元, 万元 and 亿元, exact Decimal arithmetic, rounding half
up (四舍五入) once, on the total; typed in forms and the API in the user's unit; shown in three
languages."""

import decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from qiao.core.amounts import (
    MAX_AMOUNT,
    AmountField,
    AmountSerializerField,
    amount_input,
    display_amount,
    parse,
)
from qiao.text.amounts import AmountError, format_amount, in_unit, to_yuan

D = decimal.Decimal


# ---------------------------------------------------------------- as the articles write them


@pytest.mark.parametrize(
    ("yuan", "unit", "written"),
    [
        (D("13910000000"), "yi", "139.1亿元"),  # 计划增资扩产139.1亿元
        (D("11113000000"), "yi", "111.13亿元"),  # 已落地111.13亿元
        (D("3795000000"), "yi", "37.95亿元"),
        (D("30000000"), "wan", "3,000万元"),
        (D("12345678.90"), "wan", "1,234.57万元"),
        (D("12000000"), "yuan", "12,000,000元"),
        (D("1234.5"), "yuan", "1,234.50元"),
        (D("0"), "yi", "0亿元"),
    ],
)
def test_amounts_are_written_as_offices_write_them(yuan, unit, written):
    assert format_amount(yuan, unit) == written
    with translation.override("zh-hans"):
        assert display_amount(yuan, unit) == written


def test_rounding_is_half_up_not_to_even():
    # 111.125亿 → 111.13 (half up); banker's rounding would give 111.12
    assert in_unit(D("11112500000"), "yi") == D("111.13")
    assert in_unit(D("11111500000"), "yi") == D("111.12")  # .115 → .12 as well (half up)
    assert in_unit(D("1234.565"), "yuan") == D("1234.57")
    assert in_unit(D("12345"), "wan", places=0) == D("1")
    assert in_unit(D("15000"), "wan", places=0) == D("2")


def test_a_total_is_summed_exactly_then_rounded_once():
    rows = [D("0.35"), D("0.35"), D("0.35")]  # three projects of 0.35 yuan each
    total = sum(rows, D("0"))
    assert total == D("1.05")  # exact, no float drift (0.35 * 3 in floats is 1.0499999999999998)
    parts = [D("4444.44"), D("4444.44"), D("4444.44")]  # each 0.444444万元 → shows 0.44万元
    assert format_amount(sum(parts, D(0)), "wan") == "1.33万元"  # 1.333332 → 1.33, not 0.44 × 3 = 1.32


def test_display_in_traditional_chinese_and_english():
    with translation.override("zh-hant"):
        assert display_amount(D("13910000000"), "yi") == "139.1億元"
        assert display_amount(D("12345678.9"), "wan") == "1,234.57萬元"
    with translation.override("en"):
        assert display_amount(D("13910000000"), "yi") == "139.1 × 100M yuan"
        assert display_amount(D("12345678.9"), "wan") == "1,234.57 × 10k yuan"
        assert display_amount(D("12000000"), "yuan") == "12,000,000 yuan"
    assert display_amount(None, "wan") == ""


def test_typed_amounts_become_exact_yuan():
    assert to_yuan("3.2亿") == D("320000000.00")
    assert to_yuan("3.2亿", "wan") == D("320000000.00")  # a 亿 typed in the text wins over the unit
    assert to_yuan("1,234.5", "wan") == D("12345000.00")
    assert to_yuan("１２３４", "yuan") == D("1234.00")
    assert to_yuan("3000万元") == D("30000000.00")
    assert to_yuan("0.000001", "wan") == D("0.01")  # one fen
    for bad in ("abc", "1.2.3", "", "0.001", "0.0000001万"):
        with pytest.raises(AmountError):
            to_yuan(bad)


# ---------------------------------------------------------------- properties


YUAN = st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False)
UNIT = st.sampled_from(["yuan", "wan", "yi"])


@settings(max_examples=300, deadline=None)
@given(yuan=YUAN, unit=UNIT)
def test_yuan_written_in_any_unit_reads_back_exactly(yuan, unit):
    factor = {"yuan": D(1), "wan": D(10000), "yi": D(100000000)}[unit]
    with decimal.localcontext() as context:
        context.prec = 50
        exact = yuan / factor
    assert to_yuan(f"{exact:f}", unit) == yuan
    assert to_yuan(exact, unit) == yuan
    assert in_unit(yuan, unit, places=10) == exact


@settings(max_examples=300, deadline=None)
@given(yuan=YUAN, unit=UNIT)
def test_what_a_form_shows_saves_back_unchanged(yuan, unit):
    text, shown_unit = amount_input(yuan, unit)
    assert parse(text, shown_unit, "x") == yuan


@settings(max_examples=300, deadline=None)
@given(yuan=YUAN, unit=UNIT)
def test_rounding_to_the_unit_is_never_more_than_half_a_step(yuan, unit):
    factor = {"yuan": D(1), "wan": D(10000), "yi": D(100000000)}[unit]
    shown = in_unit(yuan, unit)
    with decimal.localcontext() as context:
        context.prec = 50
        assert abs(shown - yuan / factor) <= D("0.005")


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(YUAN, max_size=30))
def test_sums_are_exact_whatever_the_order(rows):
    assert sum(rows, D(0)) == sum(reversed(rows), D(0))
    assert sum(rows, D(0)) == sum(sorted(rows), D(0))


# ---------------------------------------------------------------- the form field


class PlanForm(forms.Form):
    planned_amount = AmountField(label="Planned investment", required=False)


def _clean(data, unit="wan"):
    form = PlanForm(data)
    form.fields["planned_amount"].set_unit(unit)
    return form


def test_the_form_field_reads_the_users_unit_and_typed_units():
    assert _clean({"planned_amount": "3.2", "planned_amount_unit": "yi"}).is_valid()
    form = _clean({"planned_amount": "3.2", "planned_amount_unit": "yi"})
    form.is_valid()
    assert form.cleaned_data["planned_amount"] == D("320000000.00")
    form = _clean({"planned_amount": "1,234.5"}, unit="wan")  # no unit posted: the user's
    assert form.is_valid() and form.cleaned_data["planned_amount"] == D("12345000.00")
    form = _clean({"planned_amount": "3.2亿", "planned_amount_unit": "yuan"})
    assert form.is_valid() and form.cleaned_data["planned_amount"] == D("320000000.00")
    form = _clean({"planned_amount": ""})
    assert form.is_valid() and form.cleaned_data["planned_amount"] is None


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("abc", "is not an amount"),
        ("-5", "cannot be negative"),
        ("0", "more than zero"),
        ("20000", "not plausible"),  # 2万亿 in 亿元
        ("0.00000000001", "is not an amount"),  # a tenth of a fen
    ],
)
def test_the_form_field_refuses_bad_amounts_naming_the_field(typed, says):
    form = _clean({"planned_amount": typed, "planned_amount_unit": "yi"})
    assert not form.is_valid()
    message = " ".join(form.errors["planned_amount"])
    assert says in message and "Planned investment" in message


def test_the_form_field_shows_stored_amounts_in_the_users_unit_without_losing_a_fen():
    field = AmountField(label="x", unit="yi")
    assert field.widget.decompress(D("320000000.00")) == ["3.2", "yi"]
    assert field.widget.decompress(D("12345678.91")) == ["12345678.91", "yuan"]  # not exact in 亿 to 6 places
    html = PlanForm(initial={"planned_amount": D("30000000")}).as_p()
    assert 'name="planned_amount"' in html and 'name="planned_amount_unit"' in html and 'value="3000"' in html


def test_the_unit_select_is_labelled_in_the_language_of_the_page():
    with translation.override("zh-hans"):
        html = str(PlanForm()["planned_amount"])
    assert "万元" in html and "亿元" in html


# ---------------------------------------------------------------- the API field


class PlanSerializer(serializers.Serializer):
    planned_amount = AmountSerializerField(label="planned investment")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("13910000000.00", D("13910000000.00")),
        ("13910000000", D("13910000000.00")),
        ("3.2亿", D("320000000.00")),
        (1500, D("1500.00")),
        (1234.5, D("1234.50")),
    ],
)
def test_the_api_takes_yuan_as_exact_decimal_strings(sent, kept):
    serializer = PlanSerializer(data={"planned_amount": sent})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["planned_amount"] == kept
    assert PlanSerializer({"planned_amount": kept}).data["planned_amount"] == f"{kept:f}"


@pytest.mark.parametrize("sent", ["abc", "-1", "0", True, [], "1.001", "1e20", "10000000000000"])
def test_the_api_refuses_bad_amounts_naming_the_field(sent):
    serializer = PlanSerializer(data={"planned_amount": sent})
    assert not serializer.is_valid()
    assert "planned investment" in str(serializer.errors["planned_amount"][0])


# ---------------------------------------------------------------- templates


def test_the_template_tag_uses_the_readers_unit(make_user, db):
    reader = make_user("reader", amount_unit="yi")
    template = Template('{% load amounts %}{% amount value %}|{% amount value "wan" %}|{{ value|amount:"yuan" }}')
    with translation.override("zh-hans"):
        text = template.render(Context({"user": reader, "value": D("13910000000")}))
    assert text == "139.1亿元|1,391,000万元|13,910,000,000元"


def test_bounds_are_checked_for_any_caller():
    from qiao.core.amounts import check_bounds

    check_bounds(MAX_AMOUNT, "x")
    with pytest.raises(ValidationError):
        check_bounds(MAX_AMOUNT + D("0.01"), "x")
