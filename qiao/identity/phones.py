"""Phone numbers: E.164 for storage, international format for display (spec §4).

phonenumbers parses well once the country is unambiguous, so the country code is made explicit
first: "(853) 6612-3456", "853-6612-3456" and "00853 6612 3456" all mean +853 (with default
region HK, phonenumbers would read the first as a wrong +852 number and the last as Cuba).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .documents import ascii_digits
from .errors import NumberError

# Country codes written without "+" that are recognised from the length of what follows.
_NATIONAL_LENGTHS = {"852": (8,), "853": (8,), "886": (8, 9), "86": (10, 11)}
_BRACKETED_CODE = re.compile(r"^\(\s*(852|853|886|86)\s*\)")
_JUNK = re.compile(r"[^0-9+()\s\-.‐‑‒–—/]")
_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")


@functools.cache
def _phonenumbers():
    import phonenumbers

    return phonenumbers


def _explicit(text: str) -> tuple[str, str | None]:
    """The number with its country code made explicit where it can be told: (digits with a
    leading "+" when international, region to parse national numbers in)."""
    text = text.strip()
    bracketed = _BRACKETED_CODE.match(text)
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        return "+" + digits, None
    if digits.startswith("00") and len(digits) > 8:
        return "+" + digits[2:], None
    if bracketed:
        code = bracketed.group(1)
        if len(digits) - len(code) in _NATIONAL_LENGTHS[code]:
            return "+" + digits, None
    for code, lengths in _NATIONAL_LENGTHS.items():
        if digits.startswith(code) and len(digits) - len(code) in lengths:
            national = digits[len(code) :]
            if code == "86" and not national.startswith(("1", "2", "3", "4", "5", "7", "8", "9")):
                continue
            return "+" + digits, None
    if _MAINLAND_MOBILE.fullmatch(digits):
        return digits, "CN"
    return digits, None


def normalize_phone(text: str, default_region: str | None = None) -> str:
    """The E.164 form of a phone number ("+85366123456"), or NumberError.

    Accepts "(853) 6612-3456", "853-6612-3456", "00853 6612 3456", "+852 9123 4567"; 11 digits
    starting 1[3-9] without a prefix are mainland mobiles; other numbers without a country code
    need `default_region` ("HK", "MO", "TW", "CN"), e.g. "0912345678" with "TW".
    """
    text = ascii_digits(unicodedata.normalize("NFKC", str(text or ""))).strip()
    if not text:
        raise NumberError("empty", "No phone number was given.")
    if _JUNK.search(text) or not any(ch.isdigit() for ch in text):
        raise NumberError("format", f"{text!r} is not a phone number.")
    number, region = _explicit(text)
    if not number.startswith("+"):
        region = region or (default_region or "").upper() or None
        if region is None:
            raise NumberError("format", f"{text!r} has no country code; add one, as +853 6612 3456.")
    phonenumbers = _phonenumbers()
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as error:
        raise NumberError("format", f"{text!r} is not a phone number.") from error
    if not phonenumbers.is_valid_number(parsed):
        raise NumberError("format", f"{text!r} is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """International display form: "+85366123456" → "+853 6612 3456". Text that does not parse
    is returned as given (display never fails)."""
    phonenumbers = _phonenumbers()
    try:
        parsed = phonenumbers.parse(str(e164 or ""), None)
    except phonenumbers.NumberParseException:
        return str(e164 or "")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
