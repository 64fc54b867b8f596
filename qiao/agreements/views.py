"""Pages of cooperation agreements: the list with its totals, an agreement's page (parties, term, status,
commitments checklist, follow-up interactions), its edit, end/reopen, delete and history pages, and
the list of commitments. Every rule is in services.py; every page reaches agreements and commitments
through the restricted querysets, so a record of another unit is a 404 on every path."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import concurrency, scoping
from qiao.core import views as generic
from qiao.core.days import local_today
from qiao.core.tables import TrashTable

from . import services
from .filtersets import AgreementFilterSet, CommitmentFilterSet
from .forms import AgreementForm, CommitmentForm, EndForm
from .models import Agreement, AgreementStatus, Commitment
from .tables import STATUS_BADGES, AgreementTable, CommitmentTable

agreements = Agreement.objects.select_related("unit", "signing_activity")
INTERACTIONS_SHOWN = 50


def _htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def _errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def with_counts(queryset, today):
    """Agreements with `status` (on `today`), `commitments_total` and `commitments_overdue` (subqueries:
    no GROUP BY over the list)."""
    base = Commitment.objects.filter(agreement=OuterRef("pk")).order_by().values("agreement")
    total = base.annotate(n=Count("pk")).values("n")
    overdue = base.filter(services.overdue_q(today)).annotate(n=Count("pk")).values("n")
    zero = Value(0, output_field=IntegerField())
    return services.with_status(queryset, today).annotate(
        commitments_total=Coalesce(Subquery(total, output_field=IntegerField()), zero),
        commitments_overdue=Coalesce(Subquery(overdue, output_field=IntegerField()), zero),
    )


# ---------------------------------------------------------------- list, trash, edit, delete


class AgreementListView(generic.ObjectListView):
    queryset = agreements
    filterset_class = AgreementFilterSet
    table_class = AgreementTable
    template_name = "agreements/agreement_list.html"
    partial_template = "agreements/_agreement_table.html"
    export_name = "agreements"
    add_url_name = "agreements:agreement_add"
    bulk_delete_url_name = "agreements:agreement_bulk_delete"
    trash_url_name = "agreements:agreement_trash"
    title = gettext_lazy("Cooperation agreements")

    def today(self):
        return local_today(self.request.user)

    def get_queryset(self):
        rows = with_counts(super().get_queryset(), self.today())
        return rows.prefetch_related("parties__organization", "our_units")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = getattr(context["filter"].form, "cleaned_data", {}) or {}
        context["figures"] = services.figures(
            self.object_list, start=data.get("signed_from"), end=data.get("signed_to"), today=self.today()
        )
        context["commitment_list_url"] = reverse("agreements:commitment_list")
        return context


class AgreementTrashTable(TrashTable):
    name = tables.Column(accessor="title", verbose_name=gettext_lazy("title"))


class AgreementTrashView(generic.ObjectTrashView):
    queryset = Agreement.all_objects.select_related("unit")
    filterset_class = AgreementFilterSet
    table_class = AgreementTrashTable
    title = gettext_lazy("Deleted agreements")
    export_name = "agreements-deleted"
    restore_url_name = "agreements:agreement_restore"
    back_url_name = "agreements:agreement_list"


class AgreementRestoreView(generic.ObjectRestoreView):
    queryset = Agreement.all_objects.all()


class AgreementDeleteView(generic.ObjectDeleteView):
    queryset = Agreement.objects.all()
    action = "delete"
    success_url_name = "agreements:agreement_list"


class AgreementBulkDeleteView(generic.BulkDeleteView):
    queryset = Agreement.objects.all()
    success_url_name = "agreements:agreement_list"


class AgreementEditView(generic.ObjectEditView):
    queryset = Agreement.objects.all()
    form_class = AgreementForm
    template_name = "agreements/agreement_edit.html"

    def get_form(self, data=None, files=None):
        organization = None
        if self.object.pk is None:
            # pre-fill a party from ?organization= (a restricted lookup: a guessed id fills nothing)
            pk = generic.query_id(self.request, "organization")
            if pk is not None:
                from qiao.orgs.models import Organization

                organization = Organization.objects.restrict(self.request.user).filter(pk=pk).first()
        return self.form_class(
            data, files, instance=self.object, user=self.request.user, initial_organization=organization
        )

    def add_save_error(self, form, error):
        form.add_service_error(error)


# ---------------------------------------------------------------- the agreement's page


def _interaction_add_url(agreement) -> str:
    try:
        return f"{reverse('relations:interaction_add')}?agreement={agreement.pk}"
    except NoReverseMatch:  # the relations pages may not be there
        return ""


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def interactions(user, agreement) -> list:
    """The follow-up interactions of the agreement that the user may see, newest first."""
    from qiao.relations.models import Interaction

    rows = list(
        Interaction.objects.restrict(user)
        .filter(agreement=agreement)
        .select_related("unit")
        .prefetch_related("organizations", "people")
        .order_by("-occurred_at", "-id")[:INTERACTIONS_SHOWN]
    )
    for row in rows:
        row.url = _url(row)
    return rows


def commitments_context(request, agreement, *, can_change=None, form=None, error="") -> dict:
    user = request.user
    today = local_today(user)
    if can_change is None:
        can_change = (
            not agreement.is_deleted and Agreement.objects.restrict(user, "change").filter(pk=agreement.pk).exists()
        )
    items = list(agreement.commitments.select_related("owner", "party", "done_by"))
    for item in items:
        item.overdue = item.is_overdue(today)
    return {
        "object": agreement,
        "commitments": items,
        "overdue_count": sum(1 for item in items if item.overdue),
        "done_count": sum(1 for item in items if item.done_on),
        "can_change": can_change,
        "commitment_form": (form or CommitmentForm(user=user, agreement=agreement)) if can_change else None,
        "today": today,
        "error": error,
    }


class AgreementView(generic.ObjectView):
    queryset = agreements
    template_name = "agreements/agreement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        user = self.request.user
        today = local_today(user)
        status = services.status_of(agreement, today)
        can_change = context["can_change"] and not agreement.is_deleted
        context.update(commitments_context(self.request, agreement, can_change=can_change))
        context.update(
            status=status,
            status_label=AgreementStatus(status).label,
            status_badge=STATUS_BADGES.get(status, ""),
            parties=list(agreement.parties.select_related("organization")),
            our_units=list(agreement.our_units.all()),
            interactions=interactions(user, agreement),
            interaction_add_url=_interaction_add_url(agreement) if can_change else "",
            signing_activity_url=_url(agreement.signing_activity) if agreement.signing_activity_id else "",
            end_form=EndForm(initial={"ended_on": today}) if can_change and not agreement.ended else None,
            can_reopen=agreement.ended and context["can_delete"] and not agreement.is_deleted,
        )
        return context


class AgreementHistoryView(generic.ObjectHistoryView):
    queryset = Agreement.objects.all()
    base_template = "agreements/agreement.html"


class AgreementEndView(generic.ObjectMixin, View):
    queryset = Agreement.objects.all()
    action = "change"

    def post(self, request, pk):
        agreement = self.get_object()
        form = EndForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
        else:
            try:
                services.end_agreement(
                    request.user, agreement, on=form.cleaned_data["ended_on"], reason=form.cleaned_data["end_reason"]
                )
            except ValidationError as error:
                messages.error(request, _errors_text(error))
            else:
                messages.success(request, _("The agreement is ended."))
        return HttpResponseRedirect(agreement.get_absolute_url())


class AgreementReopenView(generic.ObjectMixin, View):
    queryset = Agreement.objects.all()
    action = "change"

    def post(self, request, pk):
        agreement = self.get_object()
        try:
            services.reopen_agreement(request.user, agreement)
        except ValidationError as error:
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("The agreement is reopened."))
        return HttpResponseRedirect(agreement.get_absolute_url())


# ---------------------------------------------------------------- commitments on the agreement's page


def _respond(request, agreement, error="", form=None):
    """The commitments card after a change: the fragment for htmx (400 with the message when refused),
    otherwise back to the agreement's page."""
    if _htmx(request):
        context = commitments_context(request, agreement, form=form, error=error)
        return render(request, "agreements/_commitments.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(agreement.get_absolute_url() + "#commitments")


class CommitmentAddView(generic.ObjectMixin, View):
    queryset = Agreement.objects.all()
    action = "change"

    def post(self, request, pk):
        agreement = self.get_object()
        form = CommitmentForm(request.POST, user=request.user, agreement=agreement)
        error = ""
        if form.is_valid():
            form.instance.agreement = agreement
            try:
                form.save(request.user)
            except ValidationError as exc:
                error = _errors_text(exc)
                for field, texts in getattr(exc, "message_dict", {}).items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
            else:
                form = None
        else:
            error = _form_errors(form)
        return _respond(request, agreement, error, form if error else None)


def _changeable_commitment(request, pk) -> tuple[Commitment, Agreement]:
    item = get_object_or_404(
        Commitment.objects.restrict(request.user, "change").filter(agreement__deleted_at__isnull=True), pk=pk
    )
    agreement = get_object_or_404(Agreement.objects.restrict(request.user, "change"), pk=item.agreement_id)
    return item, agreement


class CommitmentView(LoginRequiredMixin, View):
    """Tick a commitment off or untick it, or take it off the list (POST `do` = done / undo / delete)."""

    def post(self, request, pk):
        item, agreement = _changeable_commitment(request, pk)
        do = request.POST.get("do", "")
        error = ""
        try:
            if do == "delete":
                services.delete_commitment(request.user, item)
            elif do in ("done", "undo"):
                services.tick(request.user, item, do == "done")
            else:
                error = _("Say what to do with the commitment.")
        except ValidationError as exc:
            error = _errors_text(exc)
        return _respond(request, agreement, error)


class CommitmentEditView(LoginRequiredMixin, View):
    """Edit one commitment: inline in the checklist (htmx) or on its own page."""

    def render_form(self, request, item, agreement, form, status=200, **extra):
        template = "agreements/_commitment_edit.html" if _htmx(request) else "agreements/commitment_edit.html"
        context = {"form": form, "item": item, "object": agreement, "edit_version": concurrency.token(item), **extra}
        return render(request, template, context, status=status)

    def get(self, request, pk):
        item, agreement = _changeable_commitment(request, pk)
        return self.render_form(request, item, agreement, CommitmentForm(instance=item, user=request.user))

    def post(self, request, pk):
        item, agreement = _changeable_commitment(request, pk)
        form = CommitmentForm(request.POST, instance=item, user=request.user)
        if form.is_valid():
            try:
                conflict, _saved = concurrency.save_unless_changed(item, request, lambda: form.save(request.user))
            except ValidationError as exc:
                for field, texts in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
            else:
                if conflict is not None:  # changed since the form was opened: the current version, 409
                    item, agreement = _changeable_commitment(request, pk)
                    yours = concurrency.submitted_values(CommitmentForm(request.POST, instance=item, user=request.user))
                    fresh = CommitmentForm(instance=item, user=request.user)
                    return self.render_form(
                        request, item, agreement, fresh, 409, conflict=conflict.message(), conflict_values=yours
                    )
                if _htmx(request):
                    response = _respond(request, agreement)
                    response["HX-Retarget"] = "#commitments"  # the whole checklist, not only the row
                    response["HX-Reswap"] = "outerHTML"
                    return response
                messages.success(request, _("Saved “%(name)s”.") % {"name": item.text})
                return HttpResponseRedirect(agreement.get_absolute_url() + "#commitments")
        return self.render_form(request, item, agreement, form, status=400)


# ---------------------------------------------------------------- the list of commitments


class CommitmentListView(generic.ObjectListView):
    queryset = services.live_commitments().select_related("agreement", "agreement__unit", "owner", "party", "done_by")
    filterset_class = CommitmentFilterSet
    table_class = CommitmentTable
    template_name = "agreements/commitment_list.html"
    partial_template = "agreements/_commitment_table.html"
    export_name = "agreement-commitments"
    title = gettext_lazy("Commitments of the agreements")

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "today": local_today(self.request.user)}

    def get_context_data(self, **kwargs):
        from django.db.models import Q

        context = super().get_context_data(**kwargs)
        today = local_today(self.request.user)
        context["counts"] = self.object_list.order_by().aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_on__isnull=False)),
            overdue=Count("pk", filter=services.overdue_q(today)),
        )
        context["can_add"] = scoping.has_any(self.request.user, "add")
        return context
