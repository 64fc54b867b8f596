"""The notification page: newest first, unread in bold, marked read one by one or all at once (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from . import services
from .filtersets import NotificationFilterSet
from .models import Notification


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    paginate_by = 50
    context_object_name = "notifications"

    def get_queryset(self):
        self.filterset = NotificationFilterSet(
            self.request.GET or None, queryset=Notification.objects.of(self.request.user)
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["notifications/_notification_list.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = self.filterset.is_bound and self.filterset.is_valid()
        context["unread_only"] = self.filterset.form.cleaned_data.get("unread") if bound else None
        return context


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


def _bell(request) -> dict:
    return {"bell_count": Notification.objects.unread(request.user).count(), "oob": True}


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    services.mark_read(request.user, notification)
    if getattr(request, "htmx", False):
        return render(request, "notifications/_notification.html", {"n": notification, **_bell(request)})
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(request.user)
    if getattr(request, "htmx", False):  # the list again, as filtered (its query string is on the form's URL)
        view = NotificationListView()
        view.setup(request)
        view.object_list = view.get_queryset()
        context = view.get_context_data()
        return render(request, "notifications/_notification_list.html", {**context, **_bell(request)})
    return _back(request)


@login_required
def open_notification(request, pk):
    """Follow a notification to what it is about, marking it read on the way."""
    notification = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    services.mark_read(request.user, notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)
