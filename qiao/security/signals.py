"""The sign-in history (LoginEvent), written from Django's auth signals and axes' lockout signal; and the
session's clocks (idle and absolute limit) started at each sign-in."""

from __future__ import annotations

import datetime

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .models import USER_AGENT_LENGTH, LoginEvent, Outcome
from .net import client_ip, user_agent

LAST_SEEN_KEY = "qiao_last_seen"


def record(outcome: str, request=None, user=None, username: str = "") -> LoginEvent:
    from qiao.core.models import User

    username = str(username or (user.get_username() if user is not None else ""))[:150]
    if user is None and username:
        user = User.objects.filter(username=username).first()
    return LoginEvent.objects.create(
        user=user,
        username=username,
        ip_address=client_ip(request),
        user_agent=user_agent(request, USER_AGENT_LENGTH),
        outcome=outcome,
    )


@receiver(user_logged_in, dispatch_uid="qiao.security.logged_in")
def _logged_in(sender, request, user, **kwargs):
    record(Outcome.SUCCESS, request, user)
    session = getattr(request, "session", None)
    if session is not None:
        now = timezone.now()
        # SESSION_COOKIE_AGE stays an absolute limit from the sign-in, however often the session is saved
        session.set_expiry(now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
        session[LAST_SEEN_KEY] = int(now.timestamp())


@receiver(user_logged_out, dispatch_uid="qiao.security.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    idle = getattr(request, "qiao_idle_timeout", False)
    record(Outcome.IDLE_TIMEOUT if idle else Outcome.LOGOUT, request, user)


@receiver(user_login_failed, dispatch_uid="qiao.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "qiao_refused_locked", False):
        return  # refused unread because the name is locked out: the lockout signal records it
    outcome = Outcome.TWO_FACTOR_FAILED if getattr(request, "qiao_second_factor", False) else Outcome.FAILED
    record(outcome, request, username=(credentials or {}).get("username", ""))


@receiver(user_locked_out, dispatch_uid="qiao.security.locked_out")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(Outcome.LOCKED, request, username=username or "")
