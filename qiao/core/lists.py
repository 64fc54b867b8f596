"""The lists offices edit themselves (kinds of activity, target groups, person roles …): one page
for all of them. Apps register their list models in `ready()`; each has code, name, name_hant,
name_en and position. Only system administrators and administrators of a top unit edit them,
because every unit shares them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from . import scoping
from .forms import BootstrapMixin

FIELDS = ["code", "name", "name_hant", "name_en", "position"]
REGISTRY: dict[str, tuple] = {}  # slug → (model, label)


def register(slug: str, model, label) -> None:
    REGISTRY[slug] = (model, label)


def may_edit(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from .models import Unit

    roots = Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True)
    return any(scoping.may(user, "manage", pk) for pk in roots)


def _form(model):
    base = type("ListItemForm", (BootstrapMixin, forms.ModelForm), {})
    return forms.modelform_factory(model, form=base, fields=FIELDS)


class ListsView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_edit(request.user):
            raise PermissionDenied(_("Only administrators of the whole network edit the shared lists."))
        return super().dispatch(request, *args, **kwargs)

    def lookup(self, slug):
        if slug not in REGISTRY:
            raise Http404
        return REGISTRY[slug]

    def get(self, request, slug=None):
        slug = slug or next(iter(REGISTRY), None)
        model, label = self.lookup(slug)
        return self.page(request, slug, model, _form(model)())

    def page(self, request, slug, model, form, status=200):
        context = {
            "lists": [(key, str(name)) for key, (_m, name) in REGISTRY.items()],
            "slug": slug,
            "label": REGISTRY[slug][1],
            "items": model.objects.order_by("position", "code"),
            "form": form,
        }
        return render(request, "core/lists.html", context, status=status)

    def post(self, request, slug=None):
        model, _label = self.lookup(slug)
        url = reverse("core:list", args=[slug])
        if "delete" in request.POST:
            item = get_object_or_404(model, pk=request.POST.get("delete"))
            try:
                item.delete()
            except ProtectedError:
                messages.error(request, _("“%(name)s” is in use and cannot be deleted.") % {"name": item})
            else:
                messages.success(request, _("“%(name)s” is deleted.") % {"name": item})
            return HttpResponseRedirect(url)
        instance = model.objects.filter(code=request.POST.get("code", "").strip()).first()
        form = _form(model)(request.POST, instance=instance)
        if not form.is_valid():
            return self.page(request, slug, model, form, status=400)
        item = form.save()
        messages.success(request, _("Saved “%(name)s”.") % {"name": item})
        return HttpResponseRedirect(url)
