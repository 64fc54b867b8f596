"""Pages of the core app that are not plain record views: home, search, health, preferences, units."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qiao.notifications.attention import needs_attention

from . import scoping, search, services
from . import views as generic
from .filtersets import UnitFilterSet, UserFilterSet
from .forms import MembershipForm, PasswordForm, PreferencesForm, UnitForm, UserCreateForm, UserEditForm
from .models import ChangeRecord, Membership, Unit, User
from .tables import UnitTable, UserTable

SEARCH_LIMIT = 20


@never_cache
def healthz(request):
    """200 with the database status, 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as error:  # noqa: BLE001 - any database failure is reported, not raised
        database = f"error: {type(error).__name__}"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database, "database_vendor": connection.vendor},
        status=status,
    )


def _searchables():
    from qiao.orgs.models import Organization
    from qiao.people.models import Person

    return [("people", Person, "people:person_list"), ("organizations", Organization, "orgs:organization_list")]


@login_required
def home(request):
    user = request.user
    counts = []
    for key, model, url_name in _searchables():
        counts.append(
            {
                "key": key,
                "label": model._meta.verbose_name_plural,
                "count": model.objects.restrict(user, "view").count(),
                "url": reverse(url_name),
            }
        )
    visible = scoping.unit_ids(user, "view")
    recent = ChangeRecord.objects.select_related("content_type")
    if visible is not None:
        recent = recent.filter(user=user)
    memberships = user.memberships.select_related("unit")
    return render(
        request,
        "core/home.html",
        {
            "counts": counts,
            "recent": recent[:10],
            "memberships": memberships,
            "attention": needs_attention(user),
        },
    )


@login_required
def search_page(request):
    """The one search box: people and organisations in any script."""
    query = request.GET.get("q", "").strip()
    groups = []
    if query:
        for key, model, url_name in _searchables():
            found = search.search(model.objects.restrict(request.user, "view").select_related("unit"), query)
            rows = list(found[: SEARCH_LIMIT + 1])
            groups.append(
                {
                    "key": key,
                    "label": model._meta.verbose_name_plural,
                    "rows": rows[:SEARCH_LIMIT],
                    "more": len(rows) > SEARCH_LIMIT,
                    "list_url": f"{reverse(url_name)}?q={query}",
                }
            )
    template = "core/_search_results.html" if getattr(request, "htmx", False) else "core/search.html"
    return render(request, template, {"query": query, "groups": groups})


@login_required
def autocomplete(request, kind):
    """JSON options for pickers: [{value, text}] of records the user may see."""
    models = {key: model for key, model, _url in _searchables()}
    model = models.get(kind)
    if model is None:
        return JsonResponse({"results": []}, status=404)
    query = request.GET.get("q", "").strip()
    found = search.search(model.objects.restrict(request.user, "view"), query)[:20] if query else []
    return JsonResponse({"results": [{"value": obj.pk, "text": _label(obj)} for obj in found]})


def _label(obj) -> str:
    latin = getattr(obj, "name_latin", "")
    return f"{obj} ({latin})" if latin else str(obj)


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        with services.writing():
            user = form.save()
        translation.activate(user.language or translation.get_language())
        messages.success(request, _("Your preferences are saved."))
        return HttpResponseRedirect(reverse("core:preferences"))
    return render(request, "core/preferences.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the user when signed in."""
    from django.conf import settings

    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    if request.user.is_authenticated:
        with services.writing():
            request.user.language = language
            request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


# ---------------------------------------------------------------------------------------------------------
# Units and users


class AdministratorsOnly:
    """Pages that manage the network: administrators of some unit only; records limited to their units."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scoping.has_any(request.user, "manage"):
            raise PermissionDenied(_("Only administrators manage units and users."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "manage")


class UnitListView(generic.ObjectListView):
    queryset = Unit.objects.select_related("parent")
    filterset_class = UnitFilterSet
    table_class = UnitTable
    export_name = "units"
    add_url_name = "core:unit_add"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_url_name"] = self.add_url_name if scoping.has_any(self.request.user, "manage") else ""
        return context


class UnitView(generic.ObjectView):
    queryset = Unit.objects.select_related("parent")
    template_name = "core/unit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        user = self.request.user
        context["can_manage"] = scoping.may(user, "manage", unit.pk)
        context["children"] = unit.children.all()
        context["ancestors"] = unit.ancestors()
        context["memberships"] = unit.memberships.select_related("user")
        context["membership_form"] = MembershipForm()
        context["figures"] = [
            (
                model._meta.verbose_name_plural,
                model.objects.restrict(user).filter(unit__path__startswith=unit.path).count(),
                f"{reverse(url_name)}?unit={unit.pk}",
            )
            for _key, model, url_name in _searchables()
        ]
        return context


class UnitHistoryView(generic.ObjectHistoryView):
    queryset = Unit.objects.all()
    base_template = "core/unit.html"


class UnitEditView(AdministratorsOnly, generic.ObjectEditView):
    queryset = Unit.objects.all()
    form_class = UnitForm
    action = "manage"

    def get_object(self):
        unit = super().get_object()
        if unit.pk is None:  # "add sub-unit" from a unit's page
            unit.parent = self.get_queryset().filter(pk=generic.query_id(self.request, "parent")).first()
        return unit


@login_required
@require_POST
def membership_add(request, pk):
    unit = get_object_or_404(Unit.objects.restrict(request.user, "manage"), pk=pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        with services.writing():
            Membership.objects.update_or_create(
                user=form.cleaned_data["username"], unit=unit, defaults={"role": form.cleaned_data["role"]}
            )
        messages.success(request, _("Membership saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(reverse("core:unit", args=[unit.pk]))


@login_required
@require_POST
def membership_remove(request, pk, membership_pk):
    unit = get_object_or_404(Unit.objects.restrict(request.user, "manage"), pk=pk)
    membership = get_object_or_404(Membership, pk=membership_pk, unit=unit)
    with services.writing():
        membership.delete()
    messages.success(request, _("Membership removed."))
    return HttpResponseRedirect(reverse("core:unit", args=[unit.pk]))


class UserListView(generic.ObjectListView):
    queryset = User.objects.prefetch_related("memberships__unit")
    filterset_class = UserFilterSet
    table_class = UserTable
    export_name = "users"
    add_url_name = "core:user_add"

    def get_queryset(self):
        queryset = super().get_queryset()
        query = self.request.GET.get("q", "").strip()
        return queryset.filter(username__icontains=query) if query else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_url_name"] = self.add_url_name if scoping.has_any(self.request.user, "manage") else ""
        return context


class UserView(generic.ObjectView):
    queryset = User.objects.prefetch_related("memberships__unit")
    template_name = "core/user.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = ChangeRecord.objects.filter(user=self.object).select_related("content_type")[:50]
        context["can_manage_user"] = (
            User.objects.restrict(self.request.user, "manage").filter(pk=self.object.pk).exists()
        )
        context["history_of_user"] = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=self.object.pk
        )[:20]
        return context


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "core/password.html"
    form_class = PasswordForm
    success_url = reverse_lazy("core:preferences")
    success_message = gettext_lazy("Your password has been changed.")


class UserEditView(AdministratorsOnly, generic.ObjectEditView):
    queryset = User.objects.all()
    form_class = UserEditForm


class UserCreateView(AdministratorsOnly, generic.ObjectEditView):
    queryset = User.objects.all()
    form_class = UserCreateForm
    template_name = "generic/object_edit.html"
