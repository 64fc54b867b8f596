"""In-app notifications (and their e-mails). Each has a key unique per user, so a scan that runs
again never sends the same reminder twice; see scan.py for what is sent and when.

The words are not stored: `text()` puts them together when shown, in the reader's language, from the
kind, what the key says the notification is about (a task, a case, a unit), the subject, the due date
and the count."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    ASSIGNED = "assigned", _("Assigned to you")
    DIGEST = "digest", _("Overdue in your units")


class NotificationQuerySet(models.QuerySet):
    def of(self, user):
        """A user's own notifications: nobody reads anyone else's, whatever their role."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self, user):
        return self.of(user).filter(read_at__isnull=True)

    def mark_read(self, when=None) -> int:
        return self.filter(read_at__isnull=True).update(read_at=when or timezone.now())


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

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),  # the bell's count
            models.Index(fields=["user", "-created", "-id"], name="notification_user_newest"),  # the list
        ]

    def __str__(self) -> str:
        return self.text()

    @property
    def about(self) -> str:
        """ "task", "case", "contact" (a key contact) or "unit" (a digest), read from the key."""
        parts = self.key.split(":")
        if parts[0] == "assigned" and len(parts) > 1:
            return parts[1]
        return "unit" if parts[0] == "digest" else parts[0]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def text(self) -> str:
        """What the notification says, in the active language."""
        values = {"subject": self.subject, "date": self.due_date.isoformat() if self.due_date else ""}
        task = self.about == "task"
        if self.kind == NotificationKind.DIGEST:
            count = self.count or 0
            return ngettext(
                "%(count)d overdue case or task in %(unit)s",
                "%(count)d overdue cases and tasks in %(unit)s",
                count,
            ) % {"count": count, "unit": self.subject}
        if self.about == "contact":
            if self.kind == NotificationKind.OVERDUE:
                return gettext("Time to contact %(subject)s again (due %(date)s)") % values
            return gettext("%(subject)s is now your key contact (next contact due %(date)s)") % values
        if self.kind == NotificationKind.OVERDUE:
            if task:
                return gettext("Task “%(subject)s” is overdue (due %(date)s)") % values
            return gettext("Case “%(subject)s” is overdue (due %(date)s)") % values
        if self.kind == NotificationKind.DUE_SOON:
            if task:
                return gettext("Task “%(subject)s” is due on %(date)s") % values
            return gettext("Case “%(subject)s” is due on %(date)s") % values
        if self.due_date:
            if task:
                return gettext("Task “%(subject)s” is assigned to you (due %(date)s)") % values
            return gettext("Case “%(subject)s” is assigned to you (due %(date)s)") % values
        if task:
            return gettext("Task “%(subject)s” is assigned to you") % values
        return gettext("Case “%(subject)s” is assigned to you") % values
