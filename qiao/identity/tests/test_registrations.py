import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.identity import (
    USCC_ALPHABET,
    NumberError,
    normalize_registration,
    tw_ubn_sum,
    uscc_check_character,
    validate_hk_br,
    validate_tw_ubn,
    validate_uscc,
)


def code_of(function, *args):
    with pytest.raises(NumberError) as caught:
        function(*args)
    return caught.value.code


def test_published_uscc_validates():
    assert validate_uscc("91110000600037341L") == "91110000600037341L"
    assert validate_uscc("9111 0000-6000 3734 1l") == "91110000600037341L"
    assert uscc_check_character("91110000600037341") == "L"


def test_uscc_with_letters_in_the_region_code_validates():
    body = "9144AB00MA5D1234P"  # python-stdnum refuses letters in positions 3-8
    assert validate_uscc(body + uscc_check_character(body)) == body + uscc_check_character(body)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91110000600037341A", "checksum"),
        ("9111000060003734", "format"),
        ("91110000600037341I", "format"),  # I, O, S, V, Z are not used
        ("O1110000600037341L", "format"),
        ("", "empty"),
    ],
)
def test_invalid_usccs_are_refused(code, error):
    assert code_of(validate_uscc, code) == error


def test_published_ubns_validate():
    assert validate_tw_ubn("00501503") == "00501503"  # python-stdnum's example
    assert validate_tw_ubn("22099131") == "22099131"
    assert code_of(validate_tw_ubn, "00501502") == "checksum"


def test_ubn_rule_since_2023_accepts_sums_divisible_by_five():
    number = next(f"{n:08d}" for n in range(10_000_000, 20_000_000) if tw_ubn_sum(f"{n:08d}") % 10 == 5)
    assert validate_tw_ubn(number) == number


def test_ubn_with_seven_in_seventh_place_may_count_the_ten_as_one():
    number = next(
        f"{n:08d}" for n in range(10_000_000, 20_000_000) if f"{n:08d}"[6] == "7" and tw_ubn_sum(f"{n:08d}") % 5 == 4
    )
    assert validate_tw_ubn(number) == number


def test_invalid_ubns_are_refused():
    assert code_of(validate_tw_ubn, "1234567") == "format"
    assert code_of(validate_tw_ubn, "1234567A") == "format"
    assert code_of(validate_tw_ubn, "12345678") == "checksum"


def test_hong_kong_business_registration_keeps_the_first_eight_digits():
    assert validate_hk_br("12345678") == "12345678"
    assert validate_hk_br("12345678-000") == "12345678"
    assert validate_hk_br("12345678-000-05-24-A") == "12345678"
    assert code_of(validate_hk_br, "1234567") == "format"
    assert code_of(validate_hk_br, "123456789") == "format"


def test_registration_kinds_dispatch():
    assert normalize_registration("uscc", "91110000600037341l") == "91110000600037341L"
    assert normalize_registration("tw_ubn", "0050 1503") == "00501503"
    assert normalize_registration("hk_br", "12345678") == "12345678"
    assert normalize_registration("other", "  macao  so 12345 ") == "MACAO SO 12345"
    assert code_of(normalize_registration, "other", "  ") == "empty"
    assert code_of(normalize_registration, "vat", "1") == "unknown_kind"


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_generated_usccs_validate_and_stay_validated(body):
    code = body + uscc_check_character(body)
    assert validate_uscc(code) == code
    assert validate_uscc(validate_uscc(code)) == code
    wrong = code[:-1] + USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % 31]
    assert code_of(validate_uscc, wrong) == "checksum"
