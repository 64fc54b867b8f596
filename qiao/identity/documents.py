"""Identity documents of persons: normalisation, check digits, display (spec §2).

Every function takes what a person typed ("A123456(3)", "ａ１２３４５６（３）", "11010519491231002x")
and either returns the normalised number or raises NumberError. python-stdnum is not used: its
`cn.ric` rejects every 830000 residence permit and some 810000/820000 ones.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from .errors import NumberError

DOCUMENT_KINDS = (
    "hkid",
    "mo_id",
    "tw_id",
    "hk_mo_permit",
    "tw_permit",
    "residence_permit",
    "cn_id",
    "passport",
)

# Separators people type inside numbers: whitespace, hyphens and dashes, slashes (old Macao cards
# were written 1/234567/8) and brackets around check digits.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_/\\()\[\]{}（）【】〔〕]+")


def ascii_digits(text: str) -> str:
    """Decimal digits of any script as ASCII digits ("١٢" → "12"); NFKC does not do this."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def clean_number(number: str | None) -> str:
    """NFKC (full width → half width), ASCII digits, separators removed, upper case;
    NumberError("empty") if nothing is left."""
    text = ascii_digits(unicodedata.normalize("NFKC", str(number or "")))
    text = _SEPARATORS.sub("", text).upper()
    if not text:
        raise NumberError("empty", "No number was given.")
    return text


# ---------------------------------------------------------------- Hong Kong Identity Card

_HKID = re.compile(r"[A-Z]{1,2}[0-9]{6}[0-9A]")


def hkid_check_character(body: str) -> str:
    """The check character for an HKID without it ("A123456" → "3"): letters A=10 … Z=35, a
    single letter padded with 36 in front, weights 9 … 2, check = (11 − sum mod 11) mod 11, 10 → A."""
    letters, digits = body[:-6], body[-6:]
    values = ([36] if len(letters) == 1 else []) + [ord(ch) - ord("A") + 10 for ch in letters]
    values += [int(d) for d in digits]
    total = sum(value * weight for value, weight in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def _hkid(number: str) -> str:
    if not _HKID.fullmatch(number):
        raise NumberError("format", "An HKID is one or two letters, six digits and a check digit, as A123456(3).")
    if hkid_check_character(number[:-1]) != number[-1]:
        raise NumberError("checksum", "The HKID check digit does not match.")
    return number


# ---------------------------------------------------------------- Macao Resident Identity Card

_MO_ID = re.compile(r"[157][0-9]{7}")


def _mo_id(number: str) -> str:
    # The card carries a check digit, but its algorithm is not public: format only.
    if not _MO_ID.fullmatch(number):
        raise NumberError("format", "A Macao ID is eight digits starting 1, 5 or 7, as 1234567(8).")
    return number


# ---------------------------------------------------------------- Taiwan ID and Resident Certificate

TW_LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18, "K": 19,
    "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27, "U": 28, "V": 29,
    "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip
_TW_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
# Citizens: second character 1 or 2. Resident Certificate (UI) since 2021: 8 or 9. Old UI: A-D.
_TW_ID = re.compile(r"[A-Z](?:[1289]|[A-D])[0-9]{8}")


def tw_id_checksum(number: str) -> int:
    """Σ weight × digit mod 10 over the eleven digits of a Taiwan ID (0 when valid); for an old
    UI number the second letter counts as the last digit of its code."""
    code = TW_LETTER_CODES[number[0]]
    second = number[1]
    second_digit = int(second) if second.isdigit() else TW_LETTER_CODES[second] % 10
    digits = [code // 10, code % 10, second_digit] + [int(d) for d in number[2:]]
    return sum(d * w for d, w in zip(digits, _TW_WEIGHTS, strict=True)) % 10


def tw_id_check_digit(first_nine: str) -> str:
    """The last digit that makes a Taiwan ID valid ("A12345678" → "9")."""
    return str((10 - tw_id_checksum(first_nine + "0")) % 10)


def _tw_id(number: str) -> str:
    if not _TW_ID.fullmatch(number):
        raise NumberError(
            "format",
            "A Taiwan ID is a letter and nine digits (second character 1, 2, 8 or 9), "
            "or for an old Resident Certificate two letters (second A-D) and eight digits.",
        )
    if tw_id_checksum(number) != 0:
        raise NumberError("checksum", "The Taiwan ID check digit does not match.")
    return number


# ---------------------------------------------------------------- travel permits (format only)

_HK_MO_PERMIT = re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})")
_TW_PERMIT = re.compile(r"[0-9]{8}|[0-9]{10}[A-Z]?")


def _hk_mo_permit(number: str) -> str:
    if not _HK_MO_PERMIT.fullmatch(number):
        raise NumberError("format", "A Home Return Permit number is H or M and 8 digits (older cards: 10 digits).")
    return number


def _tw_permit(number: str) -> str:
    if not _TW_PERMIT.fullmatch(number):
        raise NumberError("format", "A Taiwan Compatriot Permit number is 8 digits (older: 10 digits and a letter).")
    return number


# ---------------------------------------------------------------- GB 11643 numbers

_RIC = re.compile(r"[0-9]{17}[0-9X]")
_RIC_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82, 83}
)
RESIDENCE_PERMIT_PREFIXES = ("810000", "820000", "830000")
_EARLIEST_BIRTH_YEAR = 1850


def ric_check_character(first_seventeen: str) -> str:
    """ISO 7064 MOD 11-2 check character: weights 2^(17−i) mod 11, "10X98765432"[sum mod 11]."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first_seventeen))
    return "10X98765432"[total % 11]


def _ric_birth_date(number: str) -> datetime.date | None:
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < _EARLIEST_BIRTH_YEAR or born > datetime.date.today():
        return None
    return born


def _ric(number: str, what: str) -> str:
    if not _RIC.fullmatch(number):
        raise NumberError("format", f"A {what} number is 17 digits and a check digit (0-9 or X).")
    if _ric_birth_date(number) is None:
        raise NumberError("format", f"Digits 7 to 14 of a {what} number must be a birth date.")
    if ric_check_character(number[:17]) != number[17]:
        raise NumberError("checksum", f"The {what} check digit does not match.")
    return number


def _cn_id(number: str) -> str:
    if _RIC.fullmatch(number) and int(number[:2]) not in _RIC_PROVINCES:
        raise NumberError("format", "The first two digits of a Resident Identity Card are not a province code.")
    return _ric(number, "Resident Identity Card")


def _residence_permit(number: str) -> str:
    if _RIC.fullmatch(number) and not number.startswith(RESIDENCE_PERMIT_PREFIXES):
        raise NumberError("format", "A residence permit number starts 810000 (HK), 820000 (MO) or 830000 (TW).")
    return _ric(number, "residence permit")


# ---------------------------------------------------------------- passports (format only)

_PASSPORT = re.compile(r"(?=.*[0-9])[A-Z0-9]{5,20}")


def _passport(number: str) -> str:
    if not _PASSPORT.fullmatch(number):
        raise NumberError("format", "A passport number is 5 to 20 letters and digits.")
    return number


_NORMALIZERS = {
    "hkid": _hkid,
    "mo_id": _mo_id,
    "tw_id": _tw_id,
    "hk_mo_permit": _hk_mo_permit,
    "tw_permit": _tw_permit,
    "residence_permit": _residence_permit,
    "cn_id": _cn_id,
    "passport": _passport,
}


def normalize_document(kind: str, number: str) -> str:
    """The normalised number of a document of the given kind, or NumberError.

    NFKC, spaces/hyphens/slashes/brackets removed, upper case, then checked: "A123456(3)" →
    "A1234563"; "11010519491231002x" → "11010519491231002X". Idempotent on its own output.
    """
    normalizer = _NORMALIZERS.get(kind)
    if normalizer is None:
        raise NumberError("unknown_kind", f"Unknown document kind {kind!r}.")
    return normalizer(clean_number(number))


def format_document(kind: str, number: str) -> str:
    """The display form: HKID "A123456(3)", Macao ID "1234567(8)", old Taiwan permit
    "1234567890(B)"; other kinds as normalised. A number that does not validate is shown as
    given (display never fails); an unknown kind raises NumberError("unknown_kind")."""
    try:
        normalized = normalize_document(kind, number)
    except NumberError as error:
        if error.code == "unknown_kind":
            raise
        return str(number or "").strip()
    if kind in ("hkid", "mo_id"):
        return f"{normalized[:-1]}({normalized[-1]})"
    if kind == "tw_permit" and len(normalized) == 11:
        return f"{normalized[:10]}({normalized[10]})"
    return normalized


def birth_date_from_cn_id(number: str) -> datetime.date | None:
    """The birth date in a valid Resident Identity Card or residence permit number, else None."""
    try:
        normalized = normalize_document("cn_id", number)
    except NumberError:
        return None
    return _ric_birth_date(normalized)
