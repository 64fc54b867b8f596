from django.conf import settings

from . import scoping


def qiao(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "LANGUAGES_CHOICES": settings.LANGUAGES,
        "can_manage": signed_in and scoping.has_any(user, "manage"),
    }
