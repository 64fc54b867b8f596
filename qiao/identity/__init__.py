"""Validation and normalisation of identity documents, registration numbers and phone numbers.
Pure Python, no Django: every function returns the normalised value or raises NumberError, whose
`code` ("format", "checksum", "unknown_kind", "empty") the Django layer translates.

See spec/text-and-identity.md §2-4.
"""

from .documents import (
    DOCUMENT_KINDS,
    RESIDENCE_PERMIT_PREFIXES,
    TW_LETTER_CODES,
    birth_date_from_cn_id,
    clean_number,
    format_document,
    hkid_check_character,
    normalize_document,
    ric_check_character,
    tw_id_check_digit,
    tw_id_checksum,
)
from .errors import NumberError
from .phones import format_phone, normalize_phone
from .registrations import (
    REGISTRATION_KINDS,
    USCC_ALPHABET,
    normalize_registration,
    tw_ubn_sum,
    uscc_check_character,
    validate_hk_br,
    validate_tw_ubn,
    validate_uscc,
)

__all__ = [
    "DOCUMENT_KINDS",
    "REGISTRATION_KINDS",
    "RESIDENCE_PERMIT_PREFIXES",
    "TW_LETTER_CODES",
    "USCC_ALPHABET",
    "NumberError",
    "birth_date_from_cn_id",
    "clean_number",
    "format_document",
    "format_phone",
    "hkid_check_character",
    "normalize_document",
    "normalize_phone",
    "normalize_registration",
    "ric_check_character",
    "tw_id_check_digit",
    "tw_id_checksum",
    "tw_ubn_sum",
    "uscc_check_character",
    "validate_hk_br",
    "validate_tw_ubn",
    "validate_uscc",
]
