from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Django's own errors become the matching 4xx answers, never a 500."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.Throttled):
        exc = _throttled(exc)
    elif isinstance(exc, ProtectedError):
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("This record is still in use by other records and cannot be deleted.")]}
        )
    return drf_exception_handler(exc, context)


def _throttled(exc: exceptions.Throttled) -> exceptions.Throttled:
    """429 in the caller's language, saying when to come back (the Retry-After header says it too)."""
    import math

    answer = exceptions.Throttled(wait=exc.wait)
    if exc.wait is None:
        message = _("Too many requests. Please slow down and try again later.")
    else:
        seconds = max(1, math.ceil(exc.wait))
        message = ngettext(
            "Too many requests. Try again in %(seconds)d second.",
            "Too many requests. Try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    answer.detail = exceptions.ErrorDetail(message, code="throttled")
    return answer
