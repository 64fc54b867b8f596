"""Error pages in the user's language, JSON for the API; never a stack trace."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _respond(request, status: int, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400, _("The request could not be understood."))


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else _("You do not have permission to do this.")
    return _respond(request, 403, detail)


def not_found(request, exception=None):
    return _respond(request, 404, _("There is no such page, or it is not available to you."))


def server_error(request):
    return _respond(request, 500, _("Something went wrong on our side. The error has been logged."))
