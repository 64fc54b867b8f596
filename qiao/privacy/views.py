"""Pages for people's rights: consents, the data export, erasure, transfers and the retention review.
Every page reaches a person only through people_for() (the person's scope, as on their page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from qiao.core import scoping
from qiao.core import views as generic

from . import erasure, export, services
from .filtersets import RetentionFlagFilterSet, TransferFilterSet
from .forms import ConsentForm, EraseForm, KeepForm, TransferForm, WithdrawForm
from .models import Consent, RetentionFlag, RetentionStatus, Transfer
from .tables import RetentionFlagTable, TransferTable


def add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError beside the form's fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class _FormPage(LoginRequiredMixin, TemplateView):
    """A small form about one person: GET shows it, POST calls the service; bad input → 400 with the
    messages beside the fields, nothing written."""

    template_name = "privacy/form.html"
    form_class = None
    action = "change"
    title = ""
    submit = gettext_lazy("Save")

    def person(self):
        return services.person_for(self.request.user, self.kwargs["pk"], self.action)

    def setup_objects(self) -> None:
        self.object = self.person()

    def form(self, data=None):
        return self.form_class(data)

    def context(self, form, **extra):
        return {"form": form, "object": self.object, "title": self.title, "submit": self.submit, **extra}

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return self.render_to_response(self.context(self.form()))

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        form = self.form(request.POST)
        if form.is_valid():
            try:
                response = self.done(form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                return response
        return self.render_to_response(self.context(form), status=400)

    def done(self, data):
        raise NotImplementedError


class ConsentAddView(_FormPage):
    form_class = ConsentForm
    title = gettext_lazy("Record a consent")

    def done(self, data):
        services.record_consent(self.request.user, self.object, **data)
        messages.success(self.request, _("Consent recorded."))
        return HttpResponseRedirect(self.object.get_absolute_url() + "#privacy")


class ConsentWithdrawView(_FormPage):
    form_class = WithdrawForm
    title = gettext_lazy("Withdraw a consent")
    submit = gettext_lazy("Withdraw")

    def setup_objects(self) -> None:
        people = services.people_for(self.request.user, "change")
        self.consent = get_object_or_404(Consent.objects.filter(person__in=people), pk=self.kwargs["pk"])
        self.object = self.consent.person

    def context(self, form, **extra):
        return super().context(form, consent=self.consent, **extra)

    def done(self, data):
        services.withdraw_consent(self.request.user, self.consent, on=data["withdrawn_on"], note=data["note"])
        messages.success(self.request, _("Consent withdrawn."))
        return HttpResponseRedirect(self.object.get_absolute_url() + "#privacy")


class TransferAddView(_FormPage):
    form_class = TransferForm
    title = gettext_lazy("Record a cross-border transfer")

    def form(self, data=None):
        form = super().form(data)
        form.fields["to_unit"].queryset = scoping.units_for_choice(self.request.user, "view")
        return form

    def done(self, data):
        services.record_transfer(self.request.user, self.object, **data)
        messages.success(self.request, _("Transfer recorded."))
        return HttpResponseRedirect(self.object.get_absolute_url() + "#privacy")


class PersonExportView(LoginRequiredMixin, View):
    """Everything about the person, as one .zip file (managers of the owning unit)."""

    def get(self, request, pk):
        person = services.managed_person(request.user, pk)
        name, content = export.export_person(request.user, person)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class EraseView(_FormPage):
    """The confirmation page: the reason, and the person's name typed again."""

    form_class = EraseForm
    template_name = "privacy/erase.html"
    title = gettext_lazy("Erase this person's personal data")
    submit = gettext_lazy("Erase for good")
    action = "view"

    def setup_objects(self) -> None:
        self.object = services.managed_person(self.request.user, self.kwargs["pk"])
        if services.is_erased(self.object):
            raise ValidationError(_("This person's personal data have been erased already."))

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as error:  # erased already (a second tab, a double click)
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.object.get_absolute_url(), status=303)

    def context(self, form, **extra):
        from . import relations

        counts = [
            (item.link.model._meta.verbose_name_plural, len(item.objects)) for item in relations.linked(self.object)
        ]
        return super().context(form, counts=counts, **extra)

    def done(self, data):
        erasure.erase(self.object, self.request.user, data["reason"], confirm_name=data["confirm_name"])
        messages.success(self.request, _("The person's personal data were erased; their anonymous record stays."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class TransferListView(generic.ObjectListView):
    """The register of cross-border transfers: managers, for the people of the units they manage."""

    queryset = Transfer.objects.select_related("person", "from_unit", "to_unit", "by", "unit")
    filterset_class = TransferFilterSet
    table_class = TransferTable
    title = gettext_lazy("Cross-border transfers")
    export_name = "transfers"
    action = "delete"  # managers (and administrators) only

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scoping.has_any(request.user, self.action):
            raise PermissionDenied(_("Only managers can see this register."))
        return super().dispatch(request, *args, **kwargs)


class RetentionListView(TransferListView):
    """保存期限审查: people not touched for the retention period, for a manager to erase or keep."""

    queryset = RetentionFlag.objects.select_related("person", "unit")
    filterset_class = RetentionFlagFilterSet
    table_class = RetentionFlagTable
    title = gettext_lazy("Retention review")
    export_name = "retention"

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if "status" in self.request.GET else queryset.filter(status=RetentionStatus.OPEN)


class KeepView(_FormPage):
    form_class = KeepForm
    title = gettext_lazy("Keep this person's data")
    submit = gettext_lazy("Keep")
    action = "view"

    def setup_objects(self) -> None:
        flags = RetentionFlag.objects.restrict(self.request.user, "delete")
        self.flag = get_object_or_404(flags.select_related("person"), pk=self.kwargs["pk"])
        self.object = self.flag.person

    def done(self, data):
        services.keep_flagged(self.request.user, self.flag, data["note"])
        messages.success(self.request, _("Kept; the flag is closed."))
        return HttpResponseRedirect(reverse("privacy:retention"))
