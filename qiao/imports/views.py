"""Import pages: upload → confirm the columns → read the dry run → commit; and the list of imports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import scoping
from qiao.core import views as generic

from . import fields, services
from .filtersets import ImportBatchFilterSet
from .forms import UploadForm
from .kinds.base import OUTCOMES, problem_text
from .models import BatchStatus, ImportBatch, ImportKind, ImportRow, SavedMapping
from .tables import ImportBatchTable

batches = ImportBatch.objects.select_related("unit", "created_by").defer("content")
ROWS_PER_PAGE = 100
TARGET_URL = {
    ImportKind.PEOPLE: "people:person",
    ImportKind.PARTICIPATIONS: "people:person",
    ImportKind.ORGANIZATIONS: "orgs:organization",
}
LIST_URL = {
    ImportKind.PEOPLE: "people:person_list",
    ImportKind.PARTICIPATIONS: "people:person_list",
    ImportKind.ORGANIZATIONS: "orgs:organization_list",
}
OUTCOME_LABELS = {
    "new": gettext_lazy("new"),
    "same": gettext_lazy("already known"),
    "review": gettext_lazy("to review"),
    "error": gettext_lazy("with problems"),
}


class ImportListView(generic.ObjectListView):
    queryset = batches
    filterset_class = ImportBatchFilterSet
    table_class = ImportBatchTable
    export_name = "imports"
    add_url_name = "imports:upload"
    title = gettext_lazy("Imports")


class UploadView(LoginRequiredMixin, View):
    template_name = "imports/upload.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scoping.has_any(request.user, "add"):
            raise PermissionDenied(_("Your role does not allow this."))
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, status=200):
        limit = settings.QIAO_IMPORT_MAX_BYTES / 2**20
        context = {"form": form, "limit_mb": limit, "activity": form.activity}
        return render(self.request, self.template_name, context, status=status)

    def activity(self, request):
        """The activity a list of participants is for (?activity= or the posted field), if any."""
        from qiao.activities.models import Activity

        value = request.POST.get("activity") or request.GET.get("activity", "")
        if not value:
            return None
        if not value.isdigit():
            raise Http404
        return get_object_or_404(Activity.objects.restrict(request.user, "change"), pk=value)

    def get(self, request):
        initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in ImportKind.values else {}
        return self.render(UploadForm(initial=initial, user=request.user, activity=self.activity(request)))

    def post(self, request):
        activity = self.activity(request)
        form = UploadForm(request.POST, request.FILES, user=request.user, activity=activity)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > settings.QIAO_IMPORT_MAX_BYTES:
                    raise ValidationError(
                        _("The file is larger than the limit of %(limit)g MB.")
                        % {"limit": settings.QIAO_IMPORT_MAX_BYTES / 2**20}
                    )
                options = {k: form.cleaned_data[k] for k in ("role", "status") if k in form.cleaned_data}
                batch = services.upload(
                    request.user,
                    activity.unit if activity else form.cleaned_data["unit"],
                    form.cleaned_data["kind"],
                    upload.name,
                    upload.read(),
                    activity=activity,
                    options=options,
                )
            except ValidationError as error:
                form.add_error("file", error)
            except PermissionDenied as error:
                form.add_error("unit", str(error))
            else:
                return HttpResponseRedirect(batch.get_absolute_url())
        return self.render(form, status=400)


class BatchMixin(generic.ObjectMixin):
    queryset = batches

    def get_object(self):
        # a batch abandoned by a process that died mid-way becomes retryable when someone looks at it
        return services.recover_stale(super().get_object())

    def actionable(self, batch) -> bool:
        return scoping.may(self.request.user, "add", batch.unit_id)


class BatchView(BatchMixin, View):
    template_name = "imports/batch.html"

    def get(self, request, pk):
        batch = self.get_object()
        if request.GET.get("fragment") == "progress":
            return self.progress(batch)
        mapping = batch.mapping
        saved_id = request.GET.get("mapping", "")
        if saved_id.isdigit() and batch.is_open:
            saved = services.saved_mappings(request.user, batch.kind).filter(pk=saved_id).first()
            if saved:
                mapping = services.apply_saved(saved, batch.headers)
        return self.page(batch, mapping)

    def progress(self, batch):
        if not batch.is_busy:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        done, total = services.progress(batch)
        return render(self.request, "imports/_progress.html", {"batch": batch, "done": done, "total": total or 1})

    def page(self, batch, mapping, *, error: str = "", status: int = 200):
        request = self.request
        context = {
            "batch": batch,
            "can_act": self.actionable(batch),
            "error": error,
            "list_url": batch.activity.get_absolute_url() if batch.activity_id else reverse(LIST_URL[batch.kind]),
        }
        if batch.is_busy:
            done, total = services.progress(batch)
            context.update(done=done, total=total or 1)
        if batch.is_open:
            context["columns"] = self.columns(batch, mapping)
            context["field_choices"] = fields.choices(batch.kind)
            context["saved_mappings"] = services.saved_mappings(request.user, batch.kind)
        if batch.status in (BatchStatus.CHECKED, BatchStatus.COMMITTED) or (
            batch.status == BatchStatus.FAILED and batch.counts
        ):
            context.update(self.report(batch))
        return render(request, self.template_name, context, status=status)

    def columns(self, batch, mapping):
        letters = services.column_letters(batch)
        return [
            {
                "index": index,
                "letter": letters[index],
                "header": header,
                "field": mapping[index] if index < len(mapping) else None,
                "samples": [row[index] for row in batch.sample if index < len(row) and row[index] not in (None, "")][
                    :3
                ],
            }
            for index, header in enumerate(batch.headers)
        ]

    def report(self, batch):
        outcome = self.request.GET.get("outcome", "")
        rows = ImportRow.objects.filter(batch=batch)
        if outcome in OUTCOMES:
            rows = rows.filter(outcome=outcome)
        page = Paginator(rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        visible = services.visible_targets(self.request.user, batch, page)  # only those are named
        url_name = TARGET_URL[batch.kind]
        shown = []
        for row in page:
            shown.append(
                {
                    "number": row.number,
                    "outcome": row.outcome,
                    "outcome_label": OUTCOME_LABELS[row.outcome],
                    "label": row.label,
                    "problems": [
                        _("column %(column)s: %(reason)s") % {"column": column, "reason": problem_text(code)}
                        for column, code in row.problems
                    ],
                    "matches": [
                        {
                            "visible": m["id"] in visible,
                            "label": m["label"],
                            "url": reverse(url_name, args=[m["id"]]),
                            "score": m["score"],
                            "reasons": [services.reason_label(batch.kind, code) for code in m["reasons"]],
                        }
                        for m in row.matches
                    ],
                }
            )
        counts = batch.counts or {}
        tabs = [("", _("all"), batch.row_count)] + [(key, OUTCOME_LABELS[key], counts.get(key, 0)) for key in OUTCOMES]
        return {"rows": shown, "page": page, "outcome": outcome, "tabs": tabs}


class CheckView(BatchView):
    """Confirm the columns (optionally saving them for next time) and run the dry run."""

    def post(self, request, pk):
        batch = self.get_object()
        if not self.actionable(batch):
            raise PermissionDenied(_("You may not keep records for this unit."))
        mapping = [request.POST.get(f"column-{index}") or None for index in range(len(batch.headers))]
        try:
            batch = services.check(request.user, batch, mapping)
            save_as = request.POST.get("save_as", "").strip()
            if save_as:
                services.save_mapping(request.user, batch, save_as)
                messages.success(request, _("The mapping “%(name)s” is saved for next time.") % {"name": save_as})
        except ValidationError as error:
            return self.page(batch, mapping, error=" ".join(error.messages), status=400)
        return HttpResponseRedirect(batch.get_absolute_url())


class CommitView(BatchView):
    def post(self, request, pk):
        batch = self.get_object()
        if not self.actionable(batch):
            raise PermissionDenied(_("You may not keep records for this unit."))
        try:
            batch = services.commit_batch(request.user, batch, skip_invalid=request.POST.get("skip_invalid") == "on")
        except ValidationError as error:
            return self.page(batch, batch.mapping, error=" ".join(error.messages), status=400)
        if batch.status == BatchStatus.COMMITTED:
            messages.success(request, _("The import is written."))
        return HttpResponseRedirect(batch.get_absolute_url())


class CancelView(BatchView):
    def post(self, request, pk):
        batch = self.get_object()
        if not self.actionable(batch):
            raise PermissionDenied(_("You may not keep records for this unit."))
        try:
            services.cancel(request.user, batch)
        except ValidationError as error:
            return self.page(batch, batch.mapping, error=" ".join(error.messages), status=400)
        messages.success(request, _("The import is cancelled; its file is deleted."))
        return HttpResponseRedirect(reverse("imports:batch_list"))


class SavedMappingDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        saved = get_object_or_404(SavedMapping.objects.restrict(request.user, "add"), pk=pk)
        saved.delete()
        messages.success(request, _("The mapping “%(name)s” is deleted.") % {"name": saved.name})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("imports:batch_list")
        return HttpResponseRedirect(target)
