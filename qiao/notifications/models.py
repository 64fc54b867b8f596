"""In-app notifications (and their e-mails). Each has a key unique per user, so a scan that runs
again never sends the same reminder twice; see scan.py for what is sent and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    ASSIGNED = "assigned", _("Assigned to you")
    DIGEST = "digest", _("Overdue in your units")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=120, help_text="What the notification is about, e.g. task:12:overdue:2026-11-20")
    # the words are put together when shown, in the reader's language, from these:
    subject = models.CharField(_("about"), max_length=300, help_text=_("The case or task, as it was named."))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True, help_text="For a digest: how many items.")
    url = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.subject
