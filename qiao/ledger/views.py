"""Pages of the service ledger: cases with their status, tasks and timeline (htmx partials), the
manager's ledger, tasks, service records, and the review of problems reported through public forms.
Every rule is in services.py; every record is reached through a restricted queryset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views import View
from django.views.generic import TemplateView

from qiao.activities.attachments import file_response
from qiao.core import scoping
from qiao.core import views as generic
from qiao.core.views import query_id
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services, tally
from .filtersets import ACTIVE, CaseFilterSet, ServiceRecordFilterSet, TaskFilterSet
from .forms import (
    ActionForm,
    CaseForm,
    ReassignForm,
    ReportReviewForm,
    ServiceRecordForm,
    StatusForm,
    TaskForm,
    projects_of,
)
from .models import (
    ACTIVE_STATUSES,
    Case,
    CaseAction,
    CaseReport,
    CaseStatus,
    CaseTask,
    Category,
    ReportStatus,
    ServiceRecord,
)
from .tables import CaseTable, CaseTrashTable, ServiceRecordTable, ServiceTrashTable, TaskTable


def _htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def _errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class CountedPaginator(Paginator):
    """A paginator told the count the page's totals computed already."""

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count


class CountedListView(generic.ObjectListView):
    """A list whose rows are counted once, exactly: the table's paginator takes the count of `known_count()`,
    which the page's totals computed already (on a million cases each COUNT costs)."""

    def known_count(self) -> int:
        if not hasattr(self, "_count"):
            self._count = self.object_list.count()
        return self._count

    def get_table_pagination(self, table):
        options = super().get_table_pagination(table)
        if options is not False:
            options = {**options, "paginator_class": CountedPaginator, "count": self.known_count()}
        return options


# ---------------------------------------------------------------- cases: the list


cases = Case.objects.select_related("organization", "project", "owner", "unit")


class CaseListView(CountedListView):
    queryset = cases
    filterset_class = CaseFilterSet
    table_class = CaseTable
    export_name = "cases"
    add_url_name = "ledger:case_add"
    trash_url_name = "ledger:case_trash"
    title = gettext_lazy("Service ledger: cases")
    template_name = "ledger/case_list.html"
    partial_template = "ledger/_case_table.html"

    def today(self):
        return services.local_today(self.request.user)

    def totals(self) -> dict:
        if not hasattr(self, "_totals"):
            self._totals = services.case_totals(self.object_list, self.today(), self.tallied())
        return self._totals

    def tallied(self) -> dict[str, int] | None:
        """The counts by status from the stored tally (tally.py) when the list is cut only by the
        user's scope, a unit and/or statuses (no search, no other filter): its rows are then exactly
        the live cases of those units in those statuses. None otherwise (the totals count the rows)."""
        filterset = getattr(self, "filterset", None)
        if filterset is None or getattr(Case, "share_model", None) is not None:
            return None
        if filterset.is_bound and not filterset.is_valid():
            return None
        data = filterset.form.cleaned_data if filterset.is_bound else {}
        if self.request.GET.get("q", "").strip() or any(v for k, v in data.items() if k not in ("unit", "status")):
            return None
        units = scoping.unit_ids(self.request.user, self.action)
        if data.get("unit") is not None:
            subtree = set(data["unit"].subtree().values_list("pk", flat=True))
            units = subtree if units is scoping.ALL else subtree & units
        statuses = None
        if data.get("status"):
            statuses = set()
            for status in data["status"]:
                statuses.update(ACTIVE_STATUSES if status == ACTIVE else [status])
        return tally.counts(units, statuses)

    def known_count(self) -> int:
        return self.totals()["total"]

    def get_table_kwargs(self):
        kwargs = {**super().get_table_kwargs(), "today": self.today()}
        if not scoping.has_any(self.request.user, services.REASSIGN_ACTION):
            kwargs["exclude"] = ("select",)  # the boxes choose cases to reassign
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_reassign = scoping.has_any(user, services.REASSIGN_ACTION)
        context.update(
            totals=self.totals(),
            can_reassign=can_reassign,
            reassign_form=ReassignForm(owners=services.owner_choices(user, services.REASSIGN_ACTION))
            if can_reassign
            else None,
        )
        return context


class CaseTrashView(generic.ObjectTrashView):
    queryset = Case.all_objects.select_related("unit")
    table_class = CaseTrashTable
    filterset_class = CaseFilterSet
    title = gettext_lazy("Deleted cases")
    export_name = "cases-deleted"
    restore_url_name = "ledger:case_restore"
    back_url_name = "ledger:case_list"


class CaseRestoreView(generic.ObjectRestoreView):
    queryset = Case.all_objects.all()


class BulkReassignView(LoginRequiredMixin, View):
    """Give the selected cases of the list another owner: every one must be the user's to reassign,
    otherwise nothing changes (404)."""

    def post(self, request):
        ids = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
        back = request.POST.get("next") or reverse("ledger:case_list")
        if not back.startswith("/"):
            back = reverse("ledger:case_list")
        if not ids:
            messages.error(request, _("Select the cases to reassign."))
            return HttpResponseRedirect(back)
        form = ReassignForm(request.POST, owners=services.owner_choices(request.user, services.REASSIGN_ACTION))
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(back)
        try:
            done = services.reassign_many(request.user, ids, form.cleaned_data["owner"], form.cleaned_data["note"])
        except PermissionDenied as error:
            raise Http404(_("Some selected records are not available to you.")) from error
        except ValidationError as error:
            messages.error(request, _errors_text(error))
            return HttpResponseRedirect(back)
        messages.success(
            request,
            ngettext("Reassigned %(count)d case.", "Reassigned %(count)d cases.", len(done)) % {"count": len(done)},
        )
        return HttpResponseRedirect(back)


# ---------------------------------------------------------------- cases: one case


ORDER = list(CaseStatus)


def _moves(case: Case) -> list[dict]:
    """The status buttons of a case: where it may go, the button's words, and whether the dialog
    asks for a note ("required", "optional") or there is no dialog ("")."""
    current = CaseStatus(case.status)
    moves = []
    for status in sorted(services.TRANSITIONS[current], key=ORDER.index):
        if status == CaseStatus.IN_PROGRESS:
            reopening = current != CaseStatus.OPEN
            label = _("Reopen") if reopening else _("Start work")
            note = ("required" if current == CaseStatus.RESOLVED else "optional") if reopening else ""
            prompt = _("Why is the case reopened?")
        elif status == CaseStatus.RESOLVED:
            label, note, prompt = _("Resolve"), "required", _("How was the problem resolved?")
        elif status == CaseStatus.CLOSED:
            label, note, prompt = pgettext("case", "Close"), "", ""
        else:
            label, note, prompt = _("Cannot resolve"), "required", _("Why can the problem not be resolved?")
        moves.append({"status": status.value, "label": label, "note": note, "prompt": prompt})
    return moves


def _case_context(request, case: Case, *, can_change: bool, **extra) -> dict:
    """What the case page's partials (status, tasks, timeline) need."""
    user = request.user
    today = services.local_today(user)
    may_reassign = services.may_reassign(user, case)
    writable = can_change and not case.is_deleted
    context = {
        "object": case,
        "case": case,
        "today": today,
        "can_change": writable,
        "may_reassign": may_reassign and writable,
        "moves": _moves(case) if writable else [],
        "tasks_open": writable and case.status != CaseStatus.CLOSED,
        "overdue": case.is_active and case.due_date is not None and case.due_date < today,
    }
    context.update(extra)
    if "tasks" not in context:
        context["tasks"] = list(CaseTask.objects.filter(case=case).select_related("assignee", "done_by"))
    if "task_form" not in context and context["tasks_open"]:
        context["task_form"] = TaskForm(instance=CaseTask(case=case), user=user)
    if "actions" not in context:
        context["actions"] = list(CaseAction.objects.filter(case=case).select_related("by"))
    if "action_form" not in context and writable:
        context["action_form"] = ActionForm(user=user)
    if "reassign_form" not in context and context["may_reassign"]:
        context["reassign_form"] = ReassignForm(owners=services.eligible_owners(case.unit_id).order_by("username"))
    return context


class CaseView(generic.ObjectView):
    queryset = cases
    template_name = "ledger/case.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        context.update(_case_context(self.request, case, can_change=context["can_change"]))
        context.update(
            reports=CaseReport.objects.restrict(self.request.user).filter(case=case),
            services=ServiceRecord.objects.restrict(self.request.user).filter(case=case).select_related("kind")[:20],
            can_add_service=scoping.has_any(self.request.user, "add"),
        )
        return context


class CaseHistoryView(generic.ObjectHistoryView):
    queryset = Case.objects.all()
    base_template = "ledger/case.html"


class CaseEditView(generic.ObjectEditView):
    queryset = Case.objects.all()
    form_class = CaseForm
    template_name = "ledger/case_edit.html"

    def get_form(self, data=None, files=None):
        initial = {}
        if self.object.pk is None:
            user = self.request.user
            organization = Organization.objects.restrict(user).filter(pk=query_id(self.request, "organization")).first()
            if organization is not None:
                initial["organization"] = organization.pk
                initial["unit"] = organization.unit_id if scoping.may(user, "add", organization.unit_id) else None
                project = projects_of(user, organization.pk).filter(pk=query_id(self.request, "project")).first()
                if project is not None:
                    initial["project"] = project.pk
            initial = {k: v for k, v in initial.items() if v is not None}
        return self.form_class(data, files, instance=self.object, user=self.request.user, initial=initial)


class CaseDeleteView(generic.ObjectDeleteView):
    queryset = Case.objects.all()
    action = "delete"
    success_url_name = "ledger:case_list"


class ProjectChoicesView(LoginRequiredMixin, View):
    """The options of the case form's project picker: the chosen organisation's projects (htmx)."""

    def get(self, request):
        projects = projects_of(request.user, query_id(request, "organization"))[:500]
        options = format_html_join("", '<option value="{}">{}</option>', ((p.pk, p.name) for p in projects))
        return HttpResponse(f'<option value="">---------</option>{options}')


def _respond(request, case, template, error="", **extra):
    """A case's part (status, tasks, timeline) after a change: its partial for htmx (400 with the
    message when refused), otherwise back to the case's page."""
    case.refresh_from_db()
    if _htmx(request):
        context = _case_context(request, case, can_change=True, error=error, oob=True, **extra)
        return render(request, template, context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(case.get_absolute_url())


class CasePartMixin(generic.ObjectMixin):
    queryset = cases
    action = "change"

    def respond(self, request, case, template, error="", **extra):
        return _respond(request, case, template, error, **extra)


class CasePartAddView(CasePartMixin, View):
    """Add one part of a case (a task, a timeline entry) through `form_class` and answer with the
    fragment `template`; on a refusal htmx gets the form back as `form_name`, with its errors."""

    form_class = None
    part_model = None
    template = ""
    form_name = ""

    def post(self, request, pk):
        case = self.get_object()
        form = self.form_class(request.POST, request.FILES, instance=self.part_model(case=case), user=request.user)
        error = ""
        if form.is_valid():
            try:
                form.save(request.user)
            except ValidationError as exc:
                error = _errors_text(exc)
        else:
            error = _form_errors(form)
        extra = {self.form_name: form} if error and _htmx(request) else {}
        return self.respond(request, case, self.template, error, **extra)


class CaseStatusView(CasePartMixin, View):
    """Move a case to another status (with the resolution, reason or note the dialog asks)."""

    def post(self, request, pk):
        case = self.get_object()
        form = StatusForm(request.POST)
        error = ""
        if not form.is_valid():
            error = _form_errors(form)
        else:
            try:
                case = services.set_status(request.user, case, form.cleaned_data["status"], form.cleaned_data["note"])
            except ValidationError as exc:
                error = _errors_text(exc)
            else:
                if not _htmx(request):
                    messages.success(request, _("The case is now %(status)s.") % {"status": case.get_status_display()})
        failed = form.data.get("status", "")
        in_dialog = any(move["status"] == failed and move["note"] for move in _moves(case))
        return self.respond(
            request,
            case,
            "ledger/_status_response.html",
            error,
            failed=failed,
            failed_dialog=bool(error) and in_dialog,
            note=form.data.get("note", ""),
        )


class CaseReassignView(CasePartMixin, View):
    """Give one case another owner (managers of its unit)."""

    def post(self, request, pk):
        case = self.get_object()
        if not services.may_reassign(request.user, case):
            raise PermissionDenied(_("Only managers of the owning unit may reassign a case."))
        form = ReassignForm(request.POST, owners=services.eligible_owners(case.unit_id))
        error = ""
        if not form.is_valid():
            error = _form_errors(form)
        else:
            try:
                services.reassign(request.user, case, form.cleaned_data["owner"], form.cleaned_data["note"])
            except ValidationError as exc:
                error = _errors_text(exc)
            else:
                if not _htmx(request):
                    messages.success(request, _("The case is reassigned."))
        return self.respond(request, case, "ledger/_status_response.html", error, failed="reassign", failed_dialog=True)


class TaskAddView(CasePartAddView):
    form_class = TaskForm
    part_model = CaseTask
    template = "ledger/_tasks.html"
    form_name = "task_form"


class TaskView(LoginRequiredMixin, View):
    """Tick a task done or not done, or take it off the list (POST `do` = done / undo / delete)."""

    def post(self, request, pk):
        task = get_object_or_404(CaseTask.objects.restrict(request.user, "change").select_related("case"), pk=pk)
        case = get_object_or_404(Case.objects.restrict(request.user, "change"), pk=task.case_id)
        do = request.POST.get("do", "")
        error = ""
        try:
            if do == "delete":
                services.delete_task(request.user, task)
            elif do in ("done", "undo"):
                services.mark_task(request.user, task, do == "done")
            else:
                error = _("Say what to do with the task.")
        except ValidationError as exc:
            error = _errors_text(exc)
        return _respond(request, case, "ledger/_tasks.html", error)


class TaskEditView(generic.ObjectEditView):
    queryset = CaseTask.objects.filter(case__deleted_at__isnull=True).select_related("case")
    form_class = TaskForm


class ActionAddView(CasePartAddView):
    """Add a call, visit, meeting, reply … to the case's timeline, with a note and a file."""

    form_class = ActionForm
    part_model = CaseAction
    template = "ledger/_timeline.html"
    form_name = "action_form"


class ActionAttachmentView(LoginRequiredMixin, View):
    """The file attached to a timeline entry, for readers of the case only."""

    def get(self, request, pk):
        action = get_object_or_404(
            CaseAction.objects.restrict(request.user).filter(case__deleted_at__isnull=True).exclude(attachment=""),
            pk=pk,
        )
        return file_response(action.attachment, action.attachment_name)


# ---------------------------------------------------------------- the manager's ledger and tasks


class OverviewView(LoginRequiredMixin, TemplateView):
    """For each unit the user manages: cases by status, active cases by age, overdue cases and tasks,
    and active cases per owner; every number links to the list of those cases."""

    template_name = "ledger/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.local_today(self.request.user)
        context.update(
            today=today,
            ledgers=[services.ledger(unit, today) for unit in services.managed_units(self.request.user)],
        )
        return context


class TaskListView(CountedListView):
    queryset = CaseTask.objects.filter(case__deleted_at__isnull=True).select_related(
        "case", "case__organization", "case__unit", "assignee"
    )
    filterset_class = TaskFilterSet
    table_class = TaskTable
    export_name = "case-tasks"
    title = gettext_lazy("Tasks of the cases")
    partial_template = "ledger/_task_table.html"

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "today": services.local_today(self.request.user)}


# ---------------------------------------------------------------- service records


services_queryset = ServiceRecord.objects.select_related("kind", "person", "organization", "case", "unit")


class ServiceListView(CountedListView):
    queryset = services_queryset
    filterset_class = ServiceRecordFilterSet
    table_class = ServiceRecordTable
    export_name = "service-records"
    add_url_name = "ledger:service_add"
    bulk_delete_url_name = ""
    trash_url_name = "ledger:service_trash"
    title = gettext_lazy("Service records")
    partial_template = "ledger/_service_table.html"

    def totals(self) -> dict:
        if not hasattr(self, "_totals"):
            self._totals = services.service_totals(self.object_list)
        return self._totals

    def known_count(self) -> int:
        return self.totals()["records"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.totals()
        return context


class ServiceView(generic.ObjectView):
    queryset = services_queryset
    template_name = "ledger/service.html"


class ServiceHistoryView(generic.ObjectHistoryView):
    queryset = ServiceRecord.objects.all()
    base_template = "ledger/service.html"


class ServiceEditView(generic.ObjectEditView):
    queryset = ServiceRecord.objects.all()
    form_class = ServiceRecordForm

    def get_form(self, data=None, files=None):
        initial = {}
        if self.object.pk is None:
            user = self.request.user
            case = Case.objects.restrict(user).filter(pk=query_id(self.request, "case")).first()
            if case is not None:
                initial.update(case=case.pk, organization=case.organization_id)
                if scoping.may(user, "add", case.unit_id):
                    initial["unit"] = case.unit_id
            for name, model in (("organization", Organization), ("person", Person)):
                found = model.objects.restrict(user).filter(pk=query_id(self.request, name)).first()
                if found is not None:
                    initial[name] = found.pk
        return self.form_class(data, files, instance=self.object, user=self.request.user, initial=initial)


class ServiceDeleteView(generic.ObjectDeleteView):
    queryset = ServiceRecord.objects.all()
    action = "delete"
    success_url_name = "ledger:service_list"


class ServiceTrashView(generic.ObjectTrashView):
    queryset = ServiceRecord.all_objects.select_related("unit", "kind")
    table_class = ServiceTrashTable
    filterset_class = ServiceRecordFilterSet
    title = gettext_lazy("Deleted service records")
    export_name = "service-records-deleted"
    restore_url_name = "ledger:service_restore"
    back_url_name = "ledger:service_list"


class ServiceRestoreView(generic.ObjectRestoreView):
    queryset = ServiceRecord.all_objects.all()


# ---------------------------------------------------------------- reported problems: the review


class ReportListView(LoginRequiredMixin, TemplateView):
    """Problems reported through public forms: those waiting for review, oldest first, and the latest
    reviewed ones."""

    template_name = "ledger/report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        reviewed = (
            CaseReport.objects.restrict(user)
            .exclude(status=ReportStatus.PENDING)
            .select_related("unit", "case", "reviewed_by")
            .order_by("-reviewed_at", "-id")[:50]
        )
        context.update(
            pending=services.pending_reports(user)[:500],
            reviewed=reviewed,
            can_open_forms=scoping.has_any(user, "change"),
        )
        return context


class ReportView(generic.ObjectMixin, View):
    """A reported problem: open a case about an organisation of the registry (or a new one), or reject it."""

    queryset = CaseReport.objects.select_related("unit", "intake", "case", "reviewed_by")
    action = "change"
    template_name = "ledger/report.html"

    def render(self, report, form, status=200):
        pending = report.status == ReportStatus.PENDING
        outcome, proposed = services.organization_candidates(self.request.user, report) if pending else ("", [])
        if form is None:
            form = ReportReviewForm(user=self.request.user, report=report, proposed=proposed)
        chosen = form.data.get("organization") if form.is_bound else ""
        if not chosen:
            chosen = str(proposed[0].target.pk) if outcome == "same" and proposed else "new"
        context = {
            "report": report,
            "pending": pending,
            "outcome": outcome,
            "proposed": proposed,
            "chosen": chosen,
            "form": form,
            "new_organization": services.new_organization(report) if pending else None,
            "category": Category(report.data["category"]).label
            if report.data.get("category") in Category.values
            else "",
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(self.get_object(), None)

    def post(self, request, pk):
        report = self.get_object()
        if report.status != ReportStatus.PENDING:
            messages.error(request, _("This report was reviewed already."))
            return HttpResponseRedirect(report.get_absolute_url())
        _outcome, proposed = services.organization_candidates(request.user, report)
        form = ReportReviewForm(request.POST, user=request.user, report=report, proposed=proposed)
        if not form.is_valid():
            return self.render(report, form, status=400)
        cleaned = form.cleaned_data
        try:
            if cleaned["decision"] == "accept":
                case = services.accept_report(
                    request.user,
                    report,
                    organization=cleaned["chosen"],
                    owner=cleaned.get("owner"),
                    priority=cleaned.get("priority") or "",
                )
                messages.success(request, _("The case “%(case)s” is open.") % {"case": case})
                return redirect(case.get_absolute_url())
            services.reject_report(request.user, report, cleaned["reason"])
            messages.success(request, _("The report is rejected."))
        except ValidationError as error:
            form.add_error(None, _errors_text(error))
            return self.render(report, form, status=400)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.render(report, form, status=403)
        return redirect("ledger:report_list")
