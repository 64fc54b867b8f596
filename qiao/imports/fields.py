"""What each field code of an import is called, in the user's language."""

from django.utils.translation import gettext_lazy as _

from .headers import fields

LABELS = {
    "people": {
        "name": _("Name"),
        "name_latin": _("Name in Latin letters"),
        "gender": _("Gender"),
        "birth_date": _("Date of birth"),
        "region": _("Region of origin"),
        "country": _("Country"),
        "document_kind": _("Document type"),
        "document_number": _("Document number"),
        "hkid": _("Hong Kong identity card"),
        "mo_id": _("Macao identity card"),
        "tw_id": _("Taiwan identity card"),
        "hk_mo_permit": _("Home-return permit"),
        "tw_permit": _("Taiwan compatriot permit"),
        "residence_permit": _("Residence permit"),
        "cn_id": _("Mainland identity card"),
        "passport": _("Passport"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "employer": _("Employer"),
        "title": _("Position"),
        "degree": _("Degree"),
        "institution": _("School or university"),
        "field_of_study": _("Field of study"),
        "graduation_year": _("Year of graduation"),
        "first_visit": _("First visit"),
        "notes": _("Notes"),
        "tags": _("Tags"),
    },
    "organizations": {
        "name": _("Name"),
        "name_latin": _("Name in English"),
        "kind": _("Kind"),
        "region": _("Region"),
        "country": _("Country"),
        "industry": _("Industry"),
        "registration_number": _("Registration number"),
        "parent": _("Parent organisation"),
        "address": _("Address"),
        "phone": _("Phone"),
        "website": _("Website"),
        "notes": _("Notes"),
    },
}


LABELS["participations"] = LABELS["people"]  # a participants list has the columns of a people list


def label(kind: str, code: str) -> str:
    return str(LABELS.get(kind, {}).get(code, code))


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) of every field of `kind`, for the mapping's drop-downs."""
    return [(code, label(kind, code)) for code in fields(kind)]
