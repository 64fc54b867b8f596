"""Sign-in in two steps, the user's own security page (two-factor set-up, recovery codes, sign-in history),
and what administrators do for their users: reset two-factor, unlock, read sign-in histories."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from qiao.core import scoping
from qiao.core import views as generic
from qiao.core.forms import LoginForm
from qiao.core.models import ActionLog, User
from qiao.core.pages import AdministratorsOnly

from . import lockout, twofactor
from .filtersets import LoginEventFilterSet
from .forms import CodeForm, SetupForm
from .models import LoginEvent
from .tables import LoginEventTable

OWN_HISTORY = 50


def _too_soon(form, wait: twofactor.TooSoon) -> None:
    form.add_error(
        "code",
        ngettext(
            "Too many wrong codes in a row: wait %(seconds)d second, then try again.",
            "Too many wrong codes in a row: wait %(seconds)d seconds, then try again.",
            wait.seconds,
        )
        % {"seconds": wait.seconds},
    )


def _next(request, default: str = "") -> str:
    """A safe ?next= (or posted next) on this site, or `default` (the home page)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """The password step; a user with an authenticator app then gives a code (security:login_code)
    before the session is signed in."""

    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.has_two_factor(user):
            twofactor.begin(self.request, user, self.get_success_url())
            return HttpResponseRedirect(reverse("security:login_code"))
        return super().form_valid(form)


def _code_refused(request, user, credentials) -> None:
    """A wrong code counts as a failed sign-in: in the history ("2fa_failed") and towards the lockout."""
    request.qiao_second_factor = True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


@never_cache
@sensitive_post_parameters("code")
def login_code(request):
    """The code step: right after the password, or for a signed-in session that has not given a code
    yet (two-factor was set up elsewhere since)."""
    state = twofactor.pending(request)
    if state is not None:
        user = User.objects.filter(pk=state["user"], is_active=True).first()
        if user is None:
            twofactor.forget_pending(request)
            return HttpResponseRedirect(reverse("login"))
        next_url = state["next"]
    elif request.user.is_authenticated:
        user = request.user
        next_url = _next(request)
        if user.is_verified() or not twofactor.has_two_factor(user):
            return HttpResponseRedirect(next_url)
    else:
        messages.info(request, _("Please enter your user name and password again."))
        return HttpResponseRedirect(reverse("login"))

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return _locked(request, state, credentials)
        try:
            device = twofactor.verify(user, form.cleaned_data["code"])
        except twofactor.TooSoon as wait:
            _too_soon(form, wait)
            return render(request, "security/login_code.html", {"form": form, "next": next_url}, status=429)
        if device is None:
            _code_refused(request, user, credentials)
            if getattr(request, "axes_locked_out", False):
                return _locked(request, state, credentials)
            form.add_error(
                "code",
                _(
                    "This code is not right. Enter the 6-digit code your authenticator app shows now, "
                    "or a recovery code you have not used yet."
                ),
            )
        else:
            if state is not None:
                twofactor.forget_pending(request)
                auth_login(request, user, backend=state["backend"] or None)
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(count)d is left. Make new ones on your Security page.",
                        "You signed in with a recovery code; %(count)d are left. Make new ones on your Security page.",
                        left,
                    )
                    % {"count": left},
                )
            return HttpResponseRedirect(next_url)
    status = 400 if form.errors else 200
    return render(request, "security/login_code.html", {"form": form, "next": next_url}, status=status)


def _locked(request, state, credentials):
    twofactor.forget_pending(request)
    if state is None:
        logout(request)
    return lockout.lockout_response(request, None, credentials)


# ---------------------------------------------------------------------------------------------------------
# The user's own page


@login_required
def overview(request):
    user = request.user
    context = {
        "has_two_factor": twofactor.has_two_factor(user),
        "required": twofactor.is_required(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "events": LoginEvent.objects.filter(user=user)[:OWN_HISTORY],
        "shown": OWN_HISTORY,
        "can_manage": scoping.has_any(user, "manage"),
    }
    return render(request, "security/overview.html", context)


@never_cache
@login_required
@sensitive_post_parameters("code")
def two_factor(request):
    """Set up an authenticator app (QR code, secret, confirm with a code), or, once set up: new recovery
    codes, or turn it off; both ask for a current code."""
    user = request.user
    request.session.pop(twofactor.CODES_KEY, None)  # recovery codes are shown once
    action = request.POST.get("action", "")
    if twofactor.has_two_factor(user):
        form = CodeForm(request.POST or None) if action in ("regenerate", "disable") else CodeForm()
        if request.method == "POST" and form.is_valid():
            try:
                accepted = twofactor.verify(user, form.cleaned_data["code"])
            except twofactor.TooSoon as wait:
                _too_soon(form, wait)
                accepted = False
            if accepted is None:
                form.add_error("code", _("This code is not right. Enter the code your authenticator app shows now."))
            elif accepted is False:
                pass  # told to wait
            elif action == "regenerate":
                return _show_codes(request, twofactor.regenerate_codes(user))
            else:
                twofactor.disable(user)
                messages.success(request, _("Two-factor authentication is turned off."))
                return HttpResponseRedirect(reverse("security:two_factor"))
        elif request.method == "POST" and not form.errors:
            form.add_error(None, _("Choose what to do."))
        context = {
            "form": form,
            "action": action,
            "required": twofactor.is_required(user),
            "codes_left": twofactor.recovery_codes_left(user),
        }
        return render(request, "security/two_factor.html", context, status=400 if form.errors else 200)

    device = twofactor.pending_device(user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm(request, device, form.cleaned_data["code"])
        except twofactor.TooSoon as wait:
            codes = False
            _too_soon(form, wait)
        if codes:
            messages.success(request, _("Two-factor authentication is on."))
            return _show_codes(request, codes)
        if codes is None:
            form.add_error(
                "code",
                _(
                    "This code is not right. Check that the time on your phone is correct and enter the code "
                    "the app shows now."
                ),
            )
    context = {
        "setup": True,
        "form": form,
        "required": twofactor.is_required(user),
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret(device),
        "next": _next(request, ""),
    }
    return render(request, "security/two_factor.html", context, status=400 if form.errors else 200)


def _show_codes(request, codes: list[str]):
    request.session[twofactor.CODES_KEY] = codes
    target = reverse("security:recovery_codes")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        from urllib.parse import urlencode

        target += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(target)


@never_cache
@login_required
def recovery_codes(request):
    codes = request.session.get(twofactor.CODES_KEY)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once. Make new ones if you lost them."))
        return HttpResponseRedirect(reverse("security:two_factor"))
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": _next(request)})


@never_cache
@login_required
def recovery_codes_download(request):
    codes = request.session.get(twofactor.CODES_KEY)
    if not codes:
        return HttpResponseRedirect(reverse("security:two_factor"))
    lines = [
        _("Qiao recovery codes for %(user)s") % {"user": request.user.get_username()},
        _("Each code can be used once, instead of the code of your authenticator app."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="qiao-recovery-codes.txt"'
    return response


# ---------------------------------------------------------------------------------------------------------
# Administrators


class LoginEventListView(AdministratorsOnly, generic.ObjectListView):
    """Sign-in history of the users an administrator manages (all, for superusers)."""

    queryset = LoginEvent.objects.select_related("user")
    filterset_class = LoginEventFilterSet
    table_class = LoginEventTable
    export_name = "sign-in-history"

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "manage")


def _managed_user(request, pk: int) -> User:
    """A user the requester administers (404 otherwise)."""
    if not scoping.has_any(request.user, "manage"):
        raise PermissionDenied(_("Only administrators manage units and users."))
    return get_object_or_404(User.objects.restrict(request.user, "manage"), pk=pk)


def may_reset_two_factor(actor, target) -> bool:
    """An administrator resets the two-factor of users whose every unit they administer; only a superuser
    resets a superuser's; nobody their own (they turn it off on their own page)."""
    if actor.pk == target.pk or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    managed = scoping.unit_ids(actor, "manage")
    units = set(target.memberships.values_list("unit_id", flat=True))
    return bool(units) and units <= set(managed)


@login_required
@require_POST
def reset_two_factor(request, pk):
    target = _managed_user(request, pk)
    if not may_reset_two_factor(request.user, target):
        raise PermissionDenied(_("You may not reset the two-factor authentication of this user."))
    twofactor.reset(target)
    messages.success(
        request,
        _("Two-factor authentication of %(user)s is reset: they set it up again at their next sign-in.")
        % {"user": target},
    )
    return HttpResponseRedirect(reverse("core:user", args=[target.pk]))


@login_required
@require_POST
def unlock(request, pk):
    target = _managed_user(request, pk)
    removed = lockout.unlock(target.get_username())
    ActionLog.record("qiao.security.unlocked", target, attempts=removed)
    messages.success(request, _("%(user)s can sign in again.") % {"user": target})
    return HttpResponseRedirect(reverse("core:user", args=[target.pk]))
