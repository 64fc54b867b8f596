import functools

from django.conf import settings

from . import scoping


def qiao(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "LANGUAGES_CHOICES": settings.LANGUAGES,
        "can_manage": signed_in and scoping.has_any(user, "manage"),
        # managers' registers (transfers, retention review) in the menu: read only when a page shows the menu
        "can_delete": functools.cache(lambda: signed_in and scoping.has_any(user, "delete")),
    }


def notifications(request):
    """The bell's unread count, read only when a page shows it (one count on an indexed column)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def unread_notifications() -> int:
        from qiao.notifications.models import Notification

        return Notification.objects.unread(user).count()

    return {"unread_notifications": unread_notifications}
