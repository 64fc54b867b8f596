"""API tokens: `Authorization: Token <key>`, the header clients have always sent.

The key is looked up by its SHA-256 (qiao.core.models.ApiToken); a revoked or expired token, or one of a
disabled user, is refused with 401 and says why; a read-only token may only read (403 otherwise).
Failed attempts count against the caller's address (the anonymous rate): guessing keys is throttled.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import HTTP_HEADER_ENCODING, exceptions
from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication
from rest_framework.permissions import SAFE_METHODS

from ..models import ApiToken
from .throttling import FailedTokenThrottle

# last_used is written at most this often per token, not on every request
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(DRFTokenAuthentication):
    """Token authentication against hashed ApiToken rows (a subclass of DRF's, so the OpenAPI schema
    describes it as before)."""

    keyword = "Token"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", b"")
        if isinstance(header, str):
            header = header.encode(HTTP_HEADER_ENCODING, errors="replace")
        parts = header.split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            self._refuse(request, _("Invalid token header: send “Authorization: Token <key>”."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            self._refuse(request, _("Invalid token."))
        token = ApiToken.find(key)
        if token is None:
            self._refuse(request, _("Invalid token."))
        if token.revoked_at is not None:
            self._refuse(request, _("This token has been revoked."))
        if token.is_expired:
            self._refuse(request, _("This token has expired."))
        if not token.user.is_active:
            self._refuse(request, _("The user of this token is disabled."))
        if token.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(_("This token is read only: it may not add, change or delete."))
        now = timezone.now()
        if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token.user, token

    def _refuse(self, request, message: str):
        throttle = FailedTokenThrottle()
        if not throttle.allow_request(request, None):
            raise exceptions.Throttled(throttle.wait())
        raise exceptions.AuthenticationFailed(message)

    def authenticate_credentials(self, key):  # pragma: no cover - authenticate() does the work
        raise NotImplementedError
