import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.identity import NumberError, format_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("(853) 6612-3456", None, "+85366123456"),
        ("853-6612-3456", None, "+85366123456"),
        ("00853 6612 3456", None, "+85366123456"),
        ("+853 6612 3456", None, "+85366123456"),
        ("+852 9123 4567", None, "+85291234567"),
        ("13812345678", None, "+8613812345678"),
        ("138 1234 5678", "HK", "+8613812345678"),
        ("+886 912 345 678", None, "+886912345678"),
        ("0912345678", "TW", "+886912345678"),
        ("9123 4567", "HK", "+85291234567"),
        ("6612 3456", "MO", "+85366123456"),
        ("＋８５２ ９１２３ ４５６７", None, "+85291234567"),
        ("8613812345678", None, "+8613812345678"),
    ],
)
def test_phone_numbers_are_stored_in_e164(typed, region, e164):
    assert normalize_phone(typed, region) == e164


def test_explicit_country_code_beats_the_default_region():
    # With default region HK, phonenumbers alone reads these as a wrong +852 number and as Cuba.
    assert normalize_phone("(853) 6612-3456", "HK") == "+85366123456"
    assert normalize_phone("00853 6612 3456", "HK") == "+85366123456"


@pytest.mark.parametrize(
    ("typed", "region", "code"),
    [
        ("junk", None, "format"),
        ("n/a", None, "format"),
        ("123", "HK", "format"),
        ("9123 4567", None, "format"),  # HK or Macao? no way to tell
        ("+852 1234", None, "format"),
        ("", None, "empty"),
        ("   ", "HK", "empty"),
    ],
)
def test_junk_is_refused(typed, region, code):
    with pytest.raises(NumberError) as caught:
        normalize_phone(typed, region)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+85366123456", "+853 6612 3456"),
        ("+85291234567", "+852 9123 4567"),
        ("+8613812345678", "+86 138 1234 5678"),
        ("+886912345678", "+886 912 345 678"),
        ("not a number", "not a number"),
    ],
)
def test_phone_display_is_international(e164, shown):
    assert format_phone(e164) == shown


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(max_size=20), st.sampled_from([None, "HK", "MO", "TW", "CN"]))
def test_any_text_is_either_a_valid_number_or_refused(text, region):
    try:
        e164 = normalize_phone(text, region)
    except NumberError as error:
        assert error.code in ("format", "empty")
    else:
        assert e164.startswith("+")
        assert normalize_phone(e164) == e164
