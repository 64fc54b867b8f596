"""API tokens (API 令牌): issue, list and revoke. A user manages their own tokens; an administrator also
those of the users of their units (the same rule as editing those users). The key is shown once."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import BootstrapMixin
from .models import ActionLog, ApiToken

MAX_DAYS = 3660


def issue(owner, name: str = "", *, read_only: bool = False, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token of `owner` valid for `days` (None: until revoked); its key in clear, shown once."""
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    with transaction.atomic():
        token, key = ApiToken.create_for(owner, name, read_only=read_only, expires=expires)
        ActionLog.record(
            "qiao.token.issued", token, owner=owner.get_username(), name=token.name, read_only=read_only,
            expires=expires.isoformat() if expires else None,
        )  # fmt: skip
    return token, key


def revoke(token: ApiToken) -> None:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoke()
            ActionLog.record("qiao.token.revoked", token, owner=token.user.get_username(), name=token.name)


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("api token", "Name"),
        max_length=100,
        help_text=gettext_lazy("What uses the token, e.g. the HR system."),
    )
    read_only = forms.BooleanField(
        label=gettext_lazy("Read only"),
        required=False,
        help_text=gettext_lazy("The token may read, never add, change or delete."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=gettext_lazy("Empty: until revoked."),
    )


@never_cache
@login_required
def token_list(request):
    """The signed-in user's tokens, with a form for a new one; administrators also see their users' tokens."""
    user = request.user
    form = TokenForm(request.POST or None)
    created_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            token, created_key = issue(user, data["name"], read_only=data["read_only"], days=data["days"])
            messages.success(request, _("Token “%(name)s” is created.") % {"name": token.name})
            form = TokenForm()
        else:
            status = 400
    visible = ApiToken.objects.manageable_by(user).select_related("user")
    context = {
        "form": form,
        "created_key": created_key,
        "own": visible.filter(user=user),
        "others": visible.exclude(user=user).order_by("user__username", "-created"),
    }
    return render(request, "core/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.manageable_by(request.user).select_related("user"), pk=pk)
    revoke(token)
    messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return HttpResponseRedirect(reverse("core:tokens"))
