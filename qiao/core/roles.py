"""Roles and what each may do. The single table the scoping rule reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


RANK = {Role.VIEWER: 1, Role.STAFF: 2, Role.MANAGER: 3, Role.ADMIN: 4}

# action → the least role that may perform it on records owned by a unit in the member's subtree
ACTIONS = {
    "view": Role.VIEWER,
    "add": Role.STAFF,
    "change": Role.STAFF,
    "export": Role.STAFF,
    # see identity document numbers, phones, e-mails and dates of birth in full in an export;
    # decided per record, for the unit owning it (a share never grants it), otherwise they are
    # partly masked (qiao/core/masking.py)
    "export_sensitive": Role.MANAGER,
    # see the same values in full on screen and in the API (lists, pages, forms, history, review
    # pages); decided per record for the unit owning it, a share never grants it (qiao/core/sensitive.py)
    "view_sensitive": Role.MANAGER,
    # show one person's masked values in full on request, each time logged (qiao.person.revealed);
    # decided per record for the unit owning it, like view_sensitive; viewers never may
    "reveal": Role.STAFF,
    "delete": Role.MANAGER,
    "share": Role.MANAGER,
    "manage": Role.ADMIN,  # units below, memberships, users
}


def role_allows(role: str, action: str) -> bool:
    return RANK[Role(role)] >= RANK[ACTIONS[action]]
