"""When the database cannot be reached, every page says so (503, Retry-After) instead of failing, and Qiao
works again by itself as soon as the database is back (settings: CONN_HEALTH_CHECKS reopens a broken
connection at the start of the next request).

The page is rendered without touching the database: a plain template, no context processors, no session
or user; its language comes from the language cookie or the browser. The API gets JSON.
"""

from __future__ import annotations

import logging

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds
NOT_OUTAGES = ("no such table", "no such column", "has no column", "syntax error", "no such function")
QUERY_CANCELED = "57014"  # a statement timeout: the database answered (qiao/core/database.py)
FLAG = "_qiao_database_outage"


def is_outage(error: BaseException | None) -> bool:
    """Whether `error` means the database cannot be reached now (not a bug in a query)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED:
        return False
    text = str(error).lower()
    return not any(part in text for part in NOT_OUTAGES)


def message() -> str:
    return _("The database cannot be reached right now; Qiao will work again as soon as it is back.")


def _stylesheet() -> str:
    """Bootstrap's address, or "" when static files are not collected yet: the page is plain then."""
    from django.templatetags.static import static

    try:
        return static("vendor/bootstrap/bootstrap.min.css")
    except ValueError:
        return ""


def response(request) -> HttpResponse:
    """The 503 answer, built without the database."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if request.path.startswith("/api/"):
            answer = JsonResponse({"detail": message(), "code": "database_unavailable"}, status=503)
        else:
            context = {"message": message(), "retry": RETRY_AFTER, "stylesheet": _stylesheet()}
            page = get_template("core/outage.html").render(context)
            answer = HttpResponse(page, status=503)
        answer["Content-Language"] = language
    answer["Retry-After"] = str(RETRY_AFTER)
    answer["Cache-Control"] = "no-store"
    return answer


def _remember(sender, request=None, **kwargs) -> None:
    """Django turned an exception into a 500 somewhere below the middleware: note when it was an outage."""
    import sys

    if request is not None and is_outage(sys.exc_info()[1]):
        setattr(request, FLAG, True)


got_request_exception.connect(_remember, dispatch_uid="qiao.core.outage")


class DatabaseOutageMiddleware:
    """Put early in MIDDLEWARE (before sessions and authentication, which read the database)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            answer = self.get_response(request)
        except Exception as error:
            if not is_outage(error):
                raise
            return self.outage(request, error)
        if getattr(request, FLAG, False) and answer.status_code >= 500:
            return self.outage(request, None)
        return answer

    def process_exception(self, request, exception):
        if is_outage(exception):
            return self.outage(request, exception)
        return None

    def outage(self, request, error) -> HttpResponse:
        log.error("database unreachable while serving %s: %s", request.path, error or "see the error above")
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()  # a broken connection is not kept for the next request
        return response(request)
