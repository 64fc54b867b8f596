"""The public registration page of an activity, at /register/<token>/: no login, in Simplified or
Traditional Chinese or English (?lang=, remembered in the language cookie).

What the page never does: show a stack trace, or tell whether someone is in the registry or on the
list already — every accepted form leads to the same thank-you page.

Rate limit: at most QIAO_REGISTRATION_MAX_SUBMISSIONS forms per QIAO_REGISTRATION_WINDOW_SECONDS
from one client address for one activity (429 beyond). The address is REMOTE_ADDR: behind a
reverse proxy every client has the proxy's address, so set QIAO_TRUST_X_FORWARDED_FOR=1 when (and
only when) the proxy sets X-Forwarded-For itself, as the nginx configuration in the admin guide
does; the last address in that header, the one the proxy saw, is then used.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qiao.core.clients import client_address

from . import registration_services as signup
from .registration_forms import RegistrationForm


def _language(request) -> str | None:
    """Switch to ?lang= when it names one of the site's languages; the page then remembers it."""
    wanted = (request.GET.get("lang") or "").lower()
    if wanted not in dict(settings.LANGUAGES):
        return None
    translation.activate(wanted)
    request.LANGUAGE_CODE = translation.get_language()
    return wanted


def _respond(request, template: str, context: dict, status: int = 200, language: str | None = None):
    response = render(request, template, context, status=status)
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def _message(request, status: int, title: str, message: str, activity=None, language=None):
    context = {"title": title, "message": message, "activity": activity}
    return _respond(request, "activities/register_message.html", context, status, language)


def _closed(request, status: int, language: str | None):
    # the same words for an unknown link, a deleted activity and a closed registration
    title = _("Registration is closed")
    message = _("This registration page is not open, or the link is not valid. Please ask the organiser.")
    return _message(request, status, title, message, language=language)


def _full(request, activity, language: str | None):
    title = _("All places are taken")
    message = _("Sorry, this activity is full. If you registered earlier, your registration stands.")
    return _message(request, 200, title, message, activity, language)


def _over_limit(request, activity) -> bool:
    """Count this submission; True when the client sent too many to this activity lately."""
    limit = int(getattr(settings, "QIAO_REGISTRATION_MAX_SUBMISSIONS", 10))
    window = int(getattr(settings, "QIAO_REGISTRATION_WINDOW_SECONDS", 600))
    digest = hashlib.sha256(f"{activity.pk}|{client_address(request)}".encode()).hexdigest()[:32]
    key = f"qiao:registration:{digest}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def statement(activity) -> str:
    """The consent statement shown on the form: the organiser's, or the default one."""
    if activity.consent_text.strip():
        return activity.consent_text.strip()
    return _(
        "I agree that %(organiser)s keeps the personal data I give on this form to organise this activity, "
        "to contact me about it and about similar activities, and to compile statistics. My data is not "
        "given to anyone else for other purposes. I may ask at any time to see, correct or delete it."
    ) % {"organiser": activity.unit.name}


@never_cache
@require_http_methods(["GET", "POST"])
def register(request, token: str):
    language = _language(request)
    activity = signup.find(token)
    if activity is None:
        return _closed(request, 404, language)
    if not signup.is_open(activity):
        return _closed(request, 410, language)
    consent = statement(activity)
    if request.method == "POST":
        if _over_limit(request, activity):
            title = _("Too many attempts")
            message = _("Too many forms were sent from your connection. Please wait a few minutes and try again.")
            return _message(request, 429, title, message, activity, language)
        form = RegistrationForm(request.POST, activity=activity)
        if form.is_valid():
            outcome = signup.register(
                activity.pk, form.registrant(), statement=consent, request_id=getattr(request, "id", None)
            )
            if outcome == signup.REGISTERED:
                return redirect("activity_register_done", token=token)
            if outcome == signup.FULL:
                return _full(request, activity, language)
            return _closed(request, 410, language)
    elif signup.is_full(activity):
        return _full(request, activity, language)
    else:
        form = RegistrationForm(activity=activity)
    context = {
        "activity": activity,
        "form": form,
        "consent": consent,
        "places_left": signup.places_left(activity),
    }
    return _respond(request, "activities/register.html", context, language=language)


@never_cache
@require_http_methods(["GET"])
def done(request, token: str):
    """The thank-you page: the same for everyone (it says nothing but the activity's name)."""
    language = _language(request)
    activity = signup.find(token)
    if activity is None:
        return _closed(request, 404, language)
    return _respond(request, "activities/register_done.html", {"activity": activity}, language=language)
