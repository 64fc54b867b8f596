"""Rules for keeping organisations."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qiao import identity


def clean_registration(kind: str, number: str) -> str:
    """The normalised registration number, or a ValidationError in the user's language."""
    try:
        return identity.normalize_registration(kind or "other", number)
    except identity.NumberError as error:
        if error.code == "checksum":
            raise ValidationError(
                _("The check character is wrong: please check the number."), code="checksum"
            ) from error
        raise ValidationError(
            _("The number does not have the format of this registration type."), code=error.code
        ) from error
