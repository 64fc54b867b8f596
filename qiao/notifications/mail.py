"""E-mails of new notifications: after a scan, one e-mail a person summing up what is new for them, in
their language, never twice (each notification is claimed by stamping `emailed_at` before it is sent,
and released again if sending fails)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from qiao.core.models import User

from .models import Notification

log = logging.getLogger("qiao.reminders")

EMAIL_WITHIN = timedelta(days=1)  # unsent notifications older than this (e-mail was off then) stay in-app only
EMAIL_LINES = 50  # notifications listed in one e-mail; the rest are counted


def pending(clock: datetime):
    """Notifications not yet e-mailed, unread and recent, of active people with an address."""
    return (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True, created__gte=clock - EMAIL_WITHIN)
        .filter(user__is_active=True)
        .exclude(user__email="")
    )


def send_new(clock: datetime | None = None) -> int:
    """Send each person with new notifications one e-mail; the number of e-mails sent."""
    clock = clock or timezone.now()
    user_ids = set(pending(clock).values_list("user_id", flat=True).order_by())
    sent = 0
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        sent += _send(user, clock)
    return sent


def _send(user, clock: datetime) -> int:
    stamp = timezone.now()
    claimed = pending(clock).filter(user=user).update(emailed_at=stamp)
    if not claimed:
        return 0  # another scan took them
    mine = Notification.objects.filter(user=user, emailed_at=stamp)
    shown = list(mine.order_by("-created", "-id")[:EMAIL_LINES])
    site = settings.QIAO_SITE_URL
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = ngettext("Qiao: %(count)d new reminder", "Qiao: %(count)d new reminders", claimed) % {
            "count": claimed
        }
        body = render_to_string(
            "notifications/email.txt",
            {
                "user": user,
                "lines": [(n.text(), f"{site}{n.url}" if n.url else "") for n in shown],
                "more": claimed - len(shown),
                "list_url": f"{site}{reverse('notifications:list')}",
            },
        )
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # noqa: BLE001 - an unreachable mail server must not stop the other e-mails
        mine.update(emailed_at=None)
        log.exception("reminders: the e-mail to %s could not be sent; it will be tried after the next scan", user.pk)
        return 0
    return 1
