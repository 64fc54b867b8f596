"""The rules of reading notifications: a person reads and marks only their own."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Notification


def mark_read(user, notification: Notification) -> Notification:
    """Mark one of `user`'s notifications read (a notification of someone else is not found)."""
    with transaction.atomic():
        Notification.objects.of(user).filter(pk=notification.pk).mark_read()
    notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification of `user` read; how many there were."""
    with transaction.atomic():
        return Notification.objects.unread(user).mark_read(timezone.now())
