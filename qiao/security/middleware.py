"""Session rules of the web interface: idle sign-out, and two-factor authentication where it is required.

Both look only at sessions signed in through the web: API calls with a token carry no session and are
not affected."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import twofactor
from .signals import LAST_SEEN_KEY

# the last-seen stamp is written at most this often (seconds): not a session write on every request
TOUCH_EVERY = 30


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _redirect(request, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole page (HX-Redirect), a plain one otherwise."""
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _idle_minutes() -> float:
    return float(getattr(settings, "QIAO_IDLE_MINUTES", 30))


class IdleTimeoutMiddleware:
    """Ends a signed-in session after QIAO_IDLE_MINUTES without a request; the next request goes to the
    login page with a message. SESSION_COOKIE_AGE stays the absolute limit (set at sign-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        minutes = _idle_minutes()
        if user is not None and user.is_authenticated and minutes > 0:
            now = int(timezone.now().timestamp())  # the same clock as the sign-in stamp (signals.py)
            last = request.session.get(LAST_SEEN_KEY)
            if isinstance(last, (int, float)) and now - last > minutes * 60:
                return self.expire(request, minutes)
            if not isinstance(last, (int, float)) or now - last >= TOUCH_EVERY:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def expire(self, request, minutes: float):
        request.qiao_idle_timeout = True  # the sign-in history says why
        logout(request)
        shown = int(minutes) if float(minutes).is_integer() else minutes
        message = ngettext(
            "You were signed out after %(minutes)s minute without activity.",
            "You were signed out after %(minutes)s minutes without activity.",
            int(minutes),
        ) % {"minutes": shown}
        if _is_api(request):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        target = request.get_full_path() if request.method == "GET" and not _htmx(request) else ""
        if target:
            return _redirect(request, redirect_to_login(target).url)
        return _redirect(request, reverse("login"))


# views a signed-in user may reach before two-factor is set up or the code is entered
ALWAYS_OPEN = {"logout", "login", "healthz", "core:set_language", "security:login_code"}
SETUP_OPEN = ALWAYS_OPEN | {
    "security:two_factor",
    "security:recovery_codes",
    "security:recovery_codes_download",
}


def _view_name(request) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


class TwoFactorMiddleware:
    """A user with an authenticator whose session has not given a code goes to the code step; a user
    whose role requires two-factor and who has none goes to the setup page. Until then they reach
    nothing else but logging out, the language switch and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if _is_api(request) and request.META.get("HTTP_AUTHORIZATION"):
            return self.get_response(request)  # a token call: the session plays no part
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return self.get_response(request)
        if twofactor.has_two_factor(user):
            if _view_name(request) in ALWAYS_OPEN:
                return self.get_response(request)
            message = _("Enter the code from your authenticator app to continue.")
            target = reverse("security:login_code")
        elif twofactor.is_required(user):
            if _view_name(request) in SETUP_OPEN:
                return self.get_response(request)
            message = _("Your role requires two-factor authentication. Set it up to continue.")
            target = reverse("security:two_factor")
        else:
            return self.get_response(request)
        if _is_api(request):
            return JsonResponse({"detail": message}, status=403)
        if request.method == "GET" and not _htmx(request):
            target = f"{target}?next={_quote(request.get_full_path())}"
        return _redirect(request, target)  # the page explains why


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
