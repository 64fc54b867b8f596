from django.http import HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .context import acting


class RequestContextMiddleware:
    """Ties every change made while serving a request to the request's user and id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        with acting(request=request, source=source) as actor:
            request.id = actor.request_id
            response = self.get_response(request)
        response["X-Request-ID"] = actor.request_id
        return response


class UserTimeZoneMiddleware:
    """Dates and times are shown in the signed-in user's own time zone (the server's when they chose none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from qiao.notifications.days import user_zone

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            timezone.activate(user_zone(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the thread serves someone else next


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _holds_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class RejectNulMiddleware:
    """A query string or a form field (not an uploaded file) with a NUL character is refused (400)
    before any view, filter or serializer sees it: no database column can store one, and PostgreSQL
    fails the whole query on it. (JSON bodies are checked by qiao.core.api.parsers.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form = request.method == "POST" and request.content_type in FORM_TYPES
        if _holds_nul(request.GET) or (form and _holds_nul(request.POST)):
            message = _("The request holds a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):  # the API answers in JSON, as its schema says
                from django.http import JsonResponse

                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
