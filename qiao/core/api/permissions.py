from rest_framework.permissions import SAFE_METHODS, BasePermission

from .. import scoping

METHOD_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ScopedPermission(BasePermission):
    """Signed-in users only; writes need a role that allows them somewhere. Which records a user
    reaches is decided by the restricted queryset; services re-check each write."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "write_action", None) or METHOD_ACTIONS.get(request.method, "change")
        return scoping.has_any(user, action)
