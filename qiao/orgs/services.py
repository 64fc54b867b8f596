"""Rules for keeping organisations."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qiao import identity
from qiao.core import services
from qiao.core.models import Tag


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


def save_organization(user, organization, *, tags=None):
    """Create or update an organisation (scope checked, history kept, search keys rewritten by the
    save), with its tags when given (names; None leaves them as they are). All or nothing."""
    organization.clean()  # no cycle of parents

    def children(saved) -> None:
        if tags is not None:
            saved.tags.set(Tag.for_names(tags))

    return services.save(user, organization, after=children)
