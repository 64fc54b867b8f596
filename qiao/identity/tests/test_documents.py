import datetime
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.identity import (
    DOCUMENT_KINDS,
    NumberError,
    birth_date_from_cn_id,
    format_document,
    hkid_check_character,
    normalize_document,
    ric_check_character,
    tw_id_check_digit,
)


def error_code(kind, number):
    with pytest.raises(NumberError) as caught:
        normalize_document(kind, number)
    return caught.value.code


# Published examples, checked independently of our own check-digit functions: the spec's, the
# Wikipedia HKID examples, the Taiwan NIA new-UI sample and python-stdnum's RIC doctests.
@pytest.mark.parametrize(
    ("kind", "typed", "normalised", "shown"),
    [
        ("hkid", "A123456(3)", "A1234563", "A123456(3)"),
        ("hkid", "g123456(a)", "G123456A", "G123456(A)"),
        ("hkid", "AB987654(3)", "AB9876543", "AB987654(3)"),
        ("hkid", "C668668 (9)", "C6686689", "C668668(9)"),
        ("hkid", "Ａ１２３４５６（３）", "A1234563", "A123456(3)"),
        ("tw_id", "A123456789", "A123456789", "A123456789"),
        ("tw_id", "a800000014", "A800000014", "A800000014"),
        ("cn_id", "11010519491231002X", "11010519491231002X", "11010519491231002X"),
        ("cn_id", "44011320141005001x", "44011320141005001X", "44011320141005001X"),
        ("cn_id", "360426 19910101 0071", "360426199101010071", "360426199101010071"),
        ("mo_id", "1234567(8)", "12345678", "1234567(8)"),
        ("mo_id", "5/215299/8", "52152998", "5215299(8)"),
        ("hk_mo_permit", "h1234 5678", "H12345678", "H12345678"),
        ("hk_mo_permit", "M1234567801", "M1234567801", "M1234567801"),
        ("tw_permit", "12345678", "12345678", "12345678"),
        ("tw_permit", "1234567890(b)", "1234567890B", "1234567890(B)"),
        ("passport", "e 1234 5678", "E12345678", "E12345678"),
    ],
)
def test_valid_documents_are_normalised_and_shown(kind, typed, normalised, shown):
    assert normalize_document(kind, typed) == normalised
    assert format_document(kind, normalised) == shown


def test_our_check_functions_agree_with_the_published_examples():
    assert hkid_check_character("A123456") == "3"
    assert hkid_check_character("G123456") == "A"
    assert hkid_check_character("AB987654") == "3"
    assert tw_id_check_digit("A12345678") == "9"
    assert tw_id_check_digit("A80000001") == "4"
    assert ric_check_character("11010519491231002") == "X"
    assert ric_check_character("36042619910101007") == "1"


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_residence_permits_of_hong_kong_macao_and_taiwan_residents_validate(prefix):
    body = prefix + "19900101" + "002"
    number = body + ric_check_character(body)
    assert normalize_document("residence_permit", number) == number
    assert normalize_document("cn_id", number) == number
    assert birth_date_from_cn_id(number) == datetime.date(1990, 1, 1)


def test_old_taiwan_resident_certificate_uses_the_second_letter():
    body = "AC" + "1234567"
    number = body + tw_id_check_digit(body)
    assert normalize_document("tw_id", number) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert error_code("tw_id", wrong) == "checksum"


def test_new_taiwan_resident_certificate_numbers_validate():
    for second in "89":
        body = "F" + second + "1234567"
        assert normalize_document("tw_id", body + tw_id_check_digit(body)) == body + tw_id_check_digit(body)


@pytest.mark.parametrize(
    ("kind", "number", "code"),
    [
        ("hkid", "A123456(4)", "checksum"),
        ("hkid", "A12345(3)", "format"),
        ("hkid", "ABC123456(3)", "format"),
        ("hkid", "1234567(3)", "format"),
        ("tw_id", "A123456788", "checksum"),
        ("tw_id", "A323456789", "format"),
        ("tw_id", "AE12345678", "format"),
        ("cn_id", "11010519491231002Y", "format"),
        ("cn_id", "110105194912310021", "checksum"),
        ("cn_id", "110105194913310023", "format"),  # month 13
        ("cn_id", "990426199101010071", "format"),  # no such province
        ("cn_id", "11010519491231002", "format"),
        ("residence_permit", "11010519491231002X", "format"),
        ("mo_id", "2234567(8)", "format"),
        ("mo_id", "123456(7)", "format"),
        ("hk_mo_permit", "A12345678", "format"),
        ("hk_mo_permit", "H123456789", "format"),
        ("tw_permit", "123456789", "format"),
        ("passport", "ABCDEFG", "format"),
        ("passport", "E1", "format"),
        ("hkid", "", "empty"),
        ("hkid", " ( ) - ", "empty"),
        ("hkid", None, "empty"),
        ("driving_licence", "A1234563", "unknown_kind"),
    ],
)
def test_invalid_documents_are_refused_with_a_code(kind, number, code):
    assert error_code(kind, number) == code


def test_errors_carry_an_english_message():
    with pytest.raises(NumberError) as caught:
        normalize_document("hkid", "A123456(4)")
    assert caught.value.message == str(caught.value)
    assert "check digit" in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_display_never_fails_on_a_stored_number_that_no_longer_validates():
    assert format_document("hkid", "A1234564") == "A1234564"
    with pytest.raises(NumberError):
        format_document("nonsense", "1")


def test_birth_date_is_read_from_valid_numbers_only():
    assert birth_date_from_cn_id("11010519491231002X") == datetime.date(1949, 12, 31)
    assert birth_date_from_cn_id("110105194912310021") is None
    assert birth_date_from_cn_id("") is None


# ---------------------------------------------------------------- generated numbers

letters = st.sampled_from(string.ascii_uppercase)
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def valid_documents(draw):
    kind = draw(st.sampled_from(DOCUMENT_KINDS))
    if kind == "hkid":
        prefix = "".join(draw(st.lists(letters, min_size=1, max_size=2)))
        body = prefix + draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
        return kind, body + hkid_check_character(body)
    if kind == "tw_id":
        second = draw(st.sampled_from("1289ABCD"))
        body = draw(letters) + second + draw(st.from_regex(r"[0-9]{7}", fullmatch=True))
        return kind, body + tw_id_check_digit(body)
    if kind in ("cn_id", "residence_permit"):
        prefix = "810000" if kind == "residence_permit" else "440113"
        born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)))
        body = prefix + born.strftime("%Y%m%d") + draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
        return kind, body + ric_check_character(body)
    patterns = {
        "mo_id": r"[157][0-9]{7}",
        "hk_mo_permit": r"[HM]([0-9]{8}|[0-9]{10})",
        "tw_permit": r"[0-9]{8}|[0-9]{10}[A-Z]?",
        "passport": r"[A-Z]{1,2}[0-9]{7,8}",
    }
    return kind, draw(st.from_regex(patterns[kind], fullmatch=True))


def typed_like_a_person(number: str, style: int) -> str:
    if style == 1:
        return number.lower()
    if style == 2:
        return " ".join(number[i : i + 3] for i in range(0, len(number), 3))
    if style == 3:  # full width
        return "".join(chr(ord(ch) + 0xFEE0) for ch in number)
    if style == 4:
        return f"{number[:-1]}({number[-1]})"
    return number


@settings(max_examples=200, deadline=None, database=None)
@given(valid_documents(), st.integers(min_value=0, max_value=4))
def test_valid_numbers_survive_how_people_type_them(document, style):
    kind, number = document
    assert normalize_document(kind, typed_like_a_person(number, style)) == number


@settings(max_examples=200, deadline=None, database=None)
@given(valid_documents())
def test_normalize_document_is_idempotent_on_its_own_output(document):
    kind, number = document
    once = normalize_document(kind, number)
    assert normalize_document(kind, once) == once
    assert normalize_document(kind, format_document(kind, once)) == once


@settings(max_examples=200, deadline=None, database=None)
@given(st.sampled_from(DOCUMENT_KINDS), st.text(max_size=25))
def test_any_text_is_either_normalised_idempotently_or_refused(kind, text):
    try:
        once = normalize_document(kind, text)
    except NumberError as error:
        assert error.code in ("format", "checksum", "empty")
    else:
        assert normalize_document(kind, once) == once


@settings(max_examples=100, deadline=None, database=None)
@given(valid_documents(), st.integers(min_value=0, max_value=9))
def test_a_wrong_check_digit_is_caught(document, replacement):
    kind, number = document
    if kind not in ("hkid", "tw_id", "cn_id", "residence_permit") or number[-1] == str(replacement):
        return
    with pytest.raises(NumberError) as caught:
        normalize_document(kind, number[:-1] + str(replacement))
    assert caught.value.code == "checksum"
