"""The client's address as an IP (or None), for the lockout counter and the sign-in history.

The one rule of qiao.core.clients (REMOTE_ADDR, or the last X-Forwarded-For address when
QIAO_TRUST_X_FORWARDED_FOR=1); anything that is not an IP address is stored as unknown."""

from __future__ import annotations

import ipaddress

from qiao.core.clients import client_address


def client_ip(request) -> str | None:
    if request is None or not hasattr(request, "META"):
        return None
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


def user_agent(request, length: int) -> str:
    if request is None or not hasattr(request, "META"):
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:length]
