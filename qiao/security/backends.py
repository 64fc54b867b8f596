"""django-axes' lockout check, first of the authentication backends."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class LockoutBackend(AxesStandaloneBackend):
    """Refuses any password check of a locked-out user name from that address (username + IP).

    It marks the request it refused, so that the sign-in history tells a refused attempt ("locked")
    from a wrong password ("failed"). Like axes' own backend it needs the request: code that calls
    `authenticate()` without one (Django's test `client.login()`) gets AxesBackendRequestParameterRequired;
    tests use `client.force_login()` or post the login form."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.qiao_refused_locked = True
            raise
