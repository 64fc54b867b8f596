"""Two-factor authentication (两步验证): a TOTP authenticator app (django-otp's otp_totp) and ten
single-use recovery codes (otp_static).

Who must use it: users with a membership whose role is in QIAO_2FA_REQUIRED_ROLES (managers and
administrators by default), and superusers when "admin" is one of those roles. Others may.
A user "has two-factor" when they have a confirmed authenticator; the sign-in then asks for a code.
"""

from __future__ import annotations

import base64
import math
import time

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qiao.core.models import ActionLog, Membership, User

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
# the password step of a sign-in waits this long for the code step
PENDING_SECONDS = 300
PENDING_KEY = "qiao_2fa_pending"
CODES_KEY = "qiao_recovery_codes"


def required_roles() -> tuple[str, ...]:
    roles = getattr(settings, "QIAO_2FA_REQUIRED_ROLES", ())
    if isinstance(roles, str):
        roles = roles.split(",")
    return tuple(role.strip() for role in roles if role.strip())


def is_required(user) -> bool:
    """Whether `user` must use two-factor authentication (their role asks for it)."""
    if user is None or not user.is_authenticated:
        return False
    roles = required_roles()
    if not roles:
        return False
    if user.is_superuser and "admin" in roles:
        return True
    return Membership.objects.filter(user=user, role__in=roles).exists()


def authenticator(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    if user is None or not user.is_authenticated:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user) -> bool:
    return authenticator(user) is not None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# ---------------------------------------------------------------------------------------------------------
# Setting up


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret(device: TOTPDevice) -> str:
    """The key as the base32 text authenticator apps accept, in groups of four."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """Inline SVG markup of the otpauth:// address (no image request, no script)."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(scale=5, border=2, dark="#000", light="#fff", title=_("QR code for your authenticator app"))


class TooSoon(Exception):
    """Wrong codes in a row: django-otp makes the next try wait (1, 2, 4 … seconds)."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def _check_allowed(device) -> None:
    allowed, data = device.verify_is_allowed()
    if not allowed and data and data.get("locked_until"):
        raise TooSoon(max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds())))


def _log(action: str, user) -> None:
    """ActionLog about the user (request.user is a lazy wrapper: log the plain record)."""
    ActionLog.record(action, user if type(user) is User else User(pk=user.pk))


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def _new_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODES:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


def confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator being set up with a code it shows; the new recovery codes, or None
    when the code is not right. The session counts as verified from then on."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        _check_allowed(device)
        if not device.verify_token(_clean(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_codes(user)
        _log("qiao.security.2fa_enabled", user)
    otp_login(request, device)
    return codes


def verify(user, code: str):
    """The device (authenticator or recovery codes) that accepts `code`, or None. A recovery code is used
    up; an authenticator code is not accepted twice; after a wrong code the next try must wait (TooSoon)."""
    code = _clean(code)
    if not code or user is None or user.pk is None:
        return None
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
        else:
            devices = StaticDevice.objects.devices_for_user(user, confirmed=True)
        for device in devices.select_for_update():
            _check_allowed(device)
            if device.verify_token(code):
                return device
    return None


def regenerate_codes(user) -> list[str]:
    with transaction.atomic():
        codes = _new_codes(user)
        _log("qiao.security.recovery_codes_renewed", user)
    return codes


def disable(user, action: str = "qiao.security.2fa_disabled") -> None:
    """Remove every device of the user (authenticator and recovery codes)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _log(action, user)


def reset(user) -> None:
    """An administrator's reset (lost phone): the user sets two-factor up again at their next sign-in."""
    disable(user, "qiao.security.2fa_reset")


# ---------------------------------------------------------------------------------------------------------
# The sign-in's second step


def begin(request, user, next_url: str) -> None:
    """The password was right: remember whom the code step is for (the session is not signed in yet)."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "next": next_url,
        "since": time.time(),
    }


def pending(request) -> dict | None:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("since", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return data


def forget_pending(request) -> None:
    request.session.pop(PENDING_KEY, None)
