from django.utils import translation

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
