from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.text import parse_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("37.95億元", "3795000000"),
        ("139.1亿元", "13910000000"),
        ("12.2亿", "1220000000"),
        ("3000万元", "30000000"),
        ("1.2萬人", "12000"),
        ("超过4000名", "4000"),
        ("4,000", "4000"),
        ("４０００", "4000"),
        ("４，０００名", "4000"),
        ("-3.5万", "-35000"),
        ("负3.5万", "-35000"),
        ("負 3.5萬", "-35000"),
        ("4230余人", "4230"),
        ("3000多万元", "30000000"),
        ("1.2千万", "12000000"),
        ("5千人", "5000"),
        ("1万亿", "1000000000000"),
        ("0.50", "0.5"),
        ("共148批次", "148"),
    ],
)
def test_number_and_unit(text, amount):
    assert parse_amount(text) == Decimal(amount)
    assert str(parse_amount(text)) == amount


def test_whole_amounts_have_no_decimal_places():
    assert str(parse_amount("37.95億元")) == "3795000000"


def test_kilometres_and_kilograms_are_not_thousands():
    assert parse_amount("300千米") == 300
    assert parse_amount("20千克") == 20


def test_no_number_gives_none():
    for text in ["", "无", "萬名青年", "abc", None]:
        assert parse_amount(text) is None  # type: ignore[arg-type]


def test_the_first_number_is_the_amount():
    assert parse_amount("2022-2025年") == 2022


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_parse_amount_never_raises(text):
    result = parse_amount(text)
    assert result is None or isinstance(result, Decimal)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12),
    st.sampled_from([("", 1), ("万", 10**4), ("萬", 10**4), ("亿", 10**8), ("億", 10**8)]),
)
def test_written_amounts_parse_back(value, unit):
    suffix, multiplier = unit
    assert parse_amount(f"{value:f}{suffix}元") == value * multiplier
