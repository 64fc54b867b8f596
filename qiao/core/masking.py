"""Partial masking of personal data on screen, in the API and in exports: every rule in one place.
Pure Python, no Django.

A masked value keeps enough to recognise the record it belongs to, never the whole value, and the
same input always gives the same output:

- Hong Kong Identity Card ``A123456(3)`` → ``A123***(*)``: the letter(s) and the first three digits;
  the last three digits and the check digit are hidden (the check digit would narrow the hidden
  three to about ninety candidates).
- Every other identity document: the first two and the last two characters, the rest one ``*``
  each (``E12345678`` → ``E1*****78``). Numbers of 4 to 7 characters keep one at each end, shorter
  ones nothing. Macao cards and old Taiwan permits keep their bracketed check digit
  (``12****7(8)``).
- Phones: the country code and the last four digits (``+852 9123 4567`` → ``+852 ****4567``).
  National numbers of fewer than 8 digits keep their last two, fewer than 4 nothing.
- E-mail addresses: the first character of the local part and the whole domain
  (``chan.tai.man@example.org`` → ``c***@example.org``); the length of the local part is hidden.
- Date of birth: the year only.

Which records are masked for whom is decided elsewhere, in one place: ``qiao/core/sensitive.py``
(``roles.ACTIONS["view_sensitive"]``, ``"reveal"`` and ``"export_sensitive"``, per record for the
unit owning it); this module only knows how.
"""

from __future__ import annotations

import datetime
import re

from qiao import identity

MASK = "*"

_HKID = re.compile(r"([A-Z]{1,2})([0-9]{3})([0-9]{3})([0-9A])")


def mask_middle(value: str) -> str:
    """``value`` with its middle hidden: at most half its characters stay, split between the ends."""
    value = str(value or "")
    length = len(value)
    keep = 2 if length >= 8 else 1 if length >= 4 else 0
    if keep == 0:
        return MASK * length
    return value[:keep] + MASK * (length - 2 * keep) + value[-keep:]


def mask_document(kind: str, number: str) -> str:
    """The masked display form of an identity document number (see the module docstring)."""
    try:
        normalized = identity.normalize_document(kind, number)
    except identity.NumberError:
        normalized = "".join(str(number or "").split())  # stored as typed: mask it as it is
        kind = ""
    if kind == "hkid":
        match = _HKID.fullmatch(normalized)
        if match:
            letters, shown, _hidden, check = match.groups()
            return f"{letters}{shown}{MASK * 3}({MASK})"  # the check digit would narrow the hidden three
    if kind == "mo_id" or (kind == "tw_permit" and len(normalized) == 11):
        masked = mask_middle(normalized)
        return f"{masked[:-1]}({masked[-1]})"
    return mask_middle(normalized)


def _split_phone(value: str) -> tuple[str, str]:
    """(country code without "+", national digits); no country code when it cannot be told."""
    text = str(value or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+"):
        try:
            import phonenumbers

            parsed = phonenumbers.parse(text, None)
        except Exception:  # noqa: BLE001 - any text must mask, never fail
            parsed = None
        if parsed is not None and parsed.country_code:
            code = str(parsed.country_code)
            if digits.startswith(code):
                return code, digits[len(code) :]
    return "", digits


def mask_phone(value: str) -> str:
    """``+852 ****4567``: the country code and the last four digits of the national number."""
    code, national = _split_phone(value)
    length = len(national)
    keep = 4 if length >= 8 else 2 if length >= 4 else 0
    masked = MASK * (length - keep) + (national[-keep:] if keep else "")
    return f"+{code} {masked}" if code else masked


def mask_email(value: str) -> str:
    """``c***@example.org``: the first character of the local part and the domain."""
    text = str(value or "").strip()
    local, at, domain = text.rpartition("@")
    if not at:
        local, domain = text, ""
    shown = local[:1] if len(local) >= 2 else ""
    return f"{shown}{MASK * 3}{at}{domain}"


def mask_birth_date(value: datetime.date | None) -> int | None:
    """The year of birth only."""
    return value.year if value else None
