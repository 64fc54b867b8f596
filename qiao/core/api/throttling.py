"""Rate limits of the API (settings QIAO_API_RATE_TOKEN, QIAO_API_RATE_USER, QIAO_API_RATE_ANON).

Buckets: a request with a token counts against that token (two tokens of one user are two buckets:
each integration has its own budget, and one runaway script does not lock out the others); a request
signed in through the web session counts against the user; an anonymous request, and every failed
token attempt, against the client's address (qiao.core.clients.client_address, which honours
QIAO_TRUST_X_FORWARDED_FOR). Rates are read from the settings at each request, so they can be changed
without a restart of the class (and tests can raise them).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..clients import client_address


class _SettingsRate(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting, None)

    def get_ident(self, request):
        return client_address(request)


class ApiRateThrottle(_SettingsRate):
    """One bucket per token, per signed-in user, or per address for anonymous callers."""

    scope = "api"

    def __init__(self):
        pass  # the rate depends on who calls: chosen in allow_request

    def allow_request(self, request, view):
        from ..models import ApiToken

        user = getattr(request, "user", None)
        if isinstance(request.auth, ApiToken):
            self.setting, ident = "QIAO_API_RATE_TOKEN", f"token-{request.auth.pk}"
        elif user is not None and user.is_authenticated:
            self.setting, ident = "QIAO_API_RATE_USER", f"user-{user.pk}"
        else:
            self.setting, ident = "QIAO_API_RATE_ANON", f"ip-{self.get_ident(request)}"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.ident = ident
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


class FailedTokenThrottle(_SettingsRate):
    """Failed token attempts from one address: beyond the anonymous rate the answer is 429, not 401."""

    scope = "api-failed-token"
    setting = "QIAO_API_RATE_ANON"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
