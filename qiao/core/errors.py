"""Error pages in the user's language, JSON for the API; never a stack trace."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _respond(request, status: int, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, RequestDataTooBig):
        limit = getattr(settings, "QIAO_UPLOAD_MAX_BYTES", settings.DATA_UPLOAD_MAX_MEMORY_SIZE) / 2**20
        return _respond(
            request, 413, _("What was sent is larger than the limit of %(limit)g MB.") % {"limit": round(limit, 1)}
        )
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return _respond(request, 400, _("The form sent has too many fields or files."))
    return _respond(request, 400, _("The request could not be understood."))


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else _("You do not have permission to do this.")
    return _respond(request, 403, detail)


def not_found(request, exception=None):
    return _respond(request, 404, _("There is no such page, or it is not available to you."))


def server_error(request):
    message = _("Something went wrong on our side. The error has been logged.")
    try:
        return _respond(request, 500, message)
    except Exception:  # noqa: BLE001 - the page itself failed (database gone?): a plain page, never a trace
        from django.http import HttpResponseServerError
        from django.utils.html import escape

        return HttpResponseServerError(
            f"<!doctype html><title>500</title><h1>500</h1><p>{escape(message)}</p>", content_type="text/html"
        )
