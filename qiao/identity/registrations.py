"""Registration numbers of organisations (spec §3)."""

from __future__ import annotations

import re
import unicodedata

from .documents import clean_number
from .errors import NumberError

REGISTRATION_KINDS = ("uscc", "tw_ubn", "hk_br", "other")

# ---------------------------------------------------------------- Unified Social Credit Code

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
_USCC_VALUES = {ch: value for value, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def uscc_check_character(first_seventeen: str) -> str:
    """GB 32100 check character: weights 3^i mod 31, alphabet[(31 − sum mod 31) mod 31]."""
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first_seventeen, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """The normalised 18-character Unified Social Credit Code, or NumberError.

    Letters are allowed in every position but the check covers them (python-stdnum's `cn.uscc`
    wrongly rejects letters in positions 3-8)."""
    code = clean_number(code)
    if len(code) != 18 or any(ch not in _USCC_VALUES for ch in code):
        raise NumberError(
            "format", "A Unified Social Credit Code is 18 digits and capital letters (no I, O, S, V or Z)."
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise NumberError("checksum", "The Unified Social Credit Code check character does not match.")
    return code


# ---------------------------------------------------------------- Taiwan Unified Business Number

_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def tw_ubn_sum(number: str) -> int:
    """Σ of the digits of each product digit × weight (weights 1,2,1,2,1,2,4,1)."""
    return sum(sum(divmod(int(d) * w, 10)) for d, w in zip(number, _UBN_WEIGHTS, strict=True))


def validate_tw_ubn(number: str) -> str:
    """The 8-digit Taiwan Unified Business Number, or NumberError.

    Rule since 2023-04-01: valid when the sum is a multiple of 5, or when the 7th digit is 7
    and sum + 1 is (python-stdnum still uses the old multiple-of-10 rule)."""
    number = clean_number(number)
    if not re.fullmatch(r"[0-9]{8}", number):
        raise NumberError("format", "A Unified Business Number is 8 digits.")
    total = tw_ubn_sum(number)
    if total % 5 != 0 and not (number[6] == "7" and (total + 1) % 5 == 0):
        raise NumberError("checksum", "The Unified Business Number check digit does not match.")
    return number


# ---------------------------------------------------------------- Hong Kong Business Registration

# The certificate number: BR number (8 digits), branch (3), expiry month and year (2 + 2), check
# character; only the first 8 digits identify the business. No public check: format only.
_HK_BR = re.compile(r"[0-9]{8}(?:[0-9]{3}(?:[0-9]{4}[0-9A-Z])?)?")


def validate_hk_br(number: str) -> str:
    """The 8-digit Hong Kong Business Registration number ("12345678-000-05-24-A" → "12345678")."""
    number = clean_number(number)
    if not _HK_BR.fullmatch(number):
        raise NumberError(
            "format",
            "A Business Registration number is 8 digits, optionally followed by the rest of the certificate.",
        )
    return number[:8]


def _other(number: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", str(number or "")).split()).upper()
    if not text:
        raise NumberError("empty", "No number was given.")
    if len(text) > 64:
        raise NumberError("format", "A registration number has at most 64 characters.")
    return text


_VALIDATORS = {"uscc": validate_uscc, "tw_ubn": validate_tw_ubn, "hk_br": validate_hk_br, "other": _other}


def normalize_registration(kind: str, number: str) -> str:
    """The normalised registration number of kind "uscc", "tw_ubn", "hk_br" or "other" (kept as
    typed, NFKC, single spaces, upper case), or NumberError."""
    validator = _VALIDATORS.get(kind)
    if validator is None:
        raise NumberError("unknown_kind", f"Unknown registration kind {kind!r}.")
    return validator(number)
