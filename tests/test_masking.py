"""The masking rules for personal data in exports (qiao/core/masking.py): examples and properties."""

import datetime
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiao.core.masking import MASK, mask_birth_date, mask_document, mask_email, mask_middle, mask_phone
from qiao.identity import DOCUMENT_KINDS, hkid_check_character, normalize_document


@pytest.mark.parametrize(
    ("kind", "number", "masked"),
    [
        ("hkid", "A123456(3)", "A123***(*)"),
        ("hkid", "A1234563", "A123***(*)"),
        ("mo_id", "1234567(8)", "12****7(8)"),
        ("passport", "E12345678", "E1*****78"),
        ("cn_id", "11010519491231002X", "11**************2X"),
        ("passport", "K1234", "K***4"),  # short: one character at each end
        ("passport", "K12", "***"),  # too short to show anything
        ("hkid", "not a card 12", "no******12"),  # stored as typed: masked as it is
    ],
)
def test_documents(kind, number, masked):
    assert mask_document(kind, number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+85291234567", "+852 ****4567"),
        ("+85366123456", "+853 ****3456"),
        ("+886912345678", "+886 *****5678"),
        ("+8613812345678", "+86 *******5678"),
        ("+1 202 555 0100", "+1 ******0100"),
        ("12345", "***45"),
        ("", ""),
    ],
)
def test_phones(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("chan.tai.man@example.org", "c***@example.org"),
        ("ab@example.hk", "a***@example.hk"),
        ("a@example.hk", "***@example.hk"),
        ("no-at-sign", "n***"),
    ],
)
def test_emails(email, masked):
    assert mask_email(email) == masked


def test_birth_dates_keep_the_year():
    assert mask_birth_date(datetime.date(1990, 5, 17)) == 1990
    assert mask_birth_date(None) is None


no_mask = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=MASK + "\x00"))


@given(no_mask)
def test_mask_middle_hides_at_least_half_and_keeps_the_length(value):
    masked = mask_middle(value)
    assert masked == mask_middle(value)
    assert len(masked) == len(value)
    shown = sum(1 for ch in masked if ch != MASK)
    assert shown <= len(value) // 2
    if len(value) >= 1:
        assert value not in masked


@given(st.sampled_from(DOCUMENT_KINDS), no_mask)
def test_a_masked_document_never_holds_the_number(kind, number):
    masked = mask_document(kind, number)
    assert masked == mask_document(kind, number)  # deterministic
    compact = "".join(number.split())
    if len(compact) >= 4:
        assert compact not in masked
        try:
            normalized = normalize_document(kind, number)
        except Exception:  # noqa: BLE001 - invalid numbers are masked as typed
            normalized = compact
        assert normalized not in masked


@given(
    st.text(string.ascii_uppercase, min_size=1, max_size=2),
    st.text(string.digits, min_size=6, max_size=6),
)
def test_an_hkid_keeps_its_letters_and_first_digits_only(letters, digits):
    body = letters + digits
    check = hkid_check_character(body)
    masked = mask_document("hkid", f"{body}({check})")
    assert masked == f"{letters}{digits[:3]}***(*)"
    assert digits not in masked


@given(st.sampled_from(["852", "853", "886"]), st.text(string.digits, min_size=8, max_size=9))
def test_a_masked_phone_keeps_the_country_code_and_four_digits(code, national):
    masked = mask_phone(f"+{code}{national}")
    assert masked == mask_phone(f"+{code}{national}")
    assert national not in masked and f"+{code}{national}" not in masked
    assert masked.endswith(national[-4:])
    assert sum(ch.isdigit() for ch in masked.split(" ", 1)[-1]) == 4


@given(st.text(max_size=30))
def test_any_phone_text_masks_without_failing(value):
    masked = mask_phone(value)
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 8:
        assert digits not in "".join(ch for ch in masked if ch.isdigit())


@given(
    st.text(string.ascii_lowercase + string.digits + "._-", min_size=2, max_size=20),
    st.from_regex(r"[a-z]{1,10}\.(org|com|hk)", fullmatch=True),
)
def test_a_masked_email_keeps_first_letter_and_domain(local, domain):
    email = f"{local}@{domain}"
    masked = mask_email(email)
    assert masked == mask_email(email)
    assert masked == f"{local[0]}***@{domain}"
    assert email not in masked
