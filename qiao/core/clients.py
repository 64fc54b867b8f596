"""The address a request comes from, the one rule for rate limits (public registration, the API)."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR; behind a reverse proxy that sets X-Forwarded-For itself (QIAO_TRUST_X_FORWARDED_FOR=1),
    the last address of that header, the one the proxy saw (earlier ones are the client's to invent)."""
    if getattr(settings, "QIAO_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or "unknown"
