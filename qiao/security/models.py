"""Sign-in history: one row per sign-in, sign-out, failure, lockout or idle sign-out, never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER_AGENT_LENGTH = 300


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Signed in")
    FAILED = "failed", _("Wrong user name or password")
    LOCKED = "locked", _("Locked out")
    LOGOUT = "logout", _("Signed out")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
    IDLE_TIMEOUT = "idle_timeout", _("Signed out after inactivity")


class LoginEventQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> LoginEventQuerySet:
        """Events of the users `user` administers (members of units in their subtree); superusers see all.

        Every action needs the administrator's right: a sign-in history is about the account, not a record
        of a unit. Events of names that match no user are for superusers only."""
        from qiao.core.models import User

        if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
            return self
        return self.filter(user__in=User.objects.restrict(user, "manage").values("pk"))


class LoginEvent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_events",
    )
    username = models.CharField(_("user name typed"), max_length=150, blank=True)
    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_LENGTH, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, db_index=True)

    objects = LoginEventQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["user", "-time"], name="loginevent_user_time")]
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in history")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {self.outcome}"
