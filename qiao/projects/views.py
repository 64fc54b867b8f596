"""Pages of investment projects: the list with its totals, the pipeline board, a project's page
(overview, timeline, tranches, related people), its edit page and history. Every rule is in
services.py; every page reaches projects through the restricted querysets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from qiao.core import scoping, search
from qiao.core import views as generic
from qiao.core.amounts import user_unit

from . import services
from .filtersets import ProjectFilterSet
from .forms import MoveForm, ProjectForm, ProjectPersonForm, TrancheForm
from .models import PIPELINE, Project, ProjectPerson, Stage, Tranche
from .tables import STAGE_BADGES, ProjectTable

projects = Project.objects.select_related(
    "unit", "investor", "industry", "liaison", "referral_person", "referral_organization", "signing_activity"
)
BOARD_CARDS = 30  # cards shown per column of the board; the column's totals count every project in it
BOARD_COLUMNS = [*PIPELINE, Stage.DROPPED]


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages_) for field, messages_ in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_error_text(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# ---------------------------------------------------------------- list, trash, edit


class ProjectListView(generic.ObjectListView):
    queryset = projects
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    partial_template = "projects/_project_table.html"
    template_name = "projects/project_list.html"
    export_name = "projects"
    add_url_name = "projects:project_add"
    bulk_delete_url_name = "projects:project_bulk_delete"
    trash_url_name = "projects:project_trash"
    title = gettext_lazy("Investment projects")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = services.totals(self.object_list)  # exactly the rows the table pages through
        context["unit_name"] = user_unit(self.request.user)
        return context


class ProjectTrashView(generic.ObjectTrashView):
    queryset = Project.all_objects.select_related("unit")
    filterset_class = ProjectFilterSet
    title = gettext_lazy("Deleted investment projects")
    export_name = "projects-deleted"
    restore_url_name = "projects:project_restore"
    back_url_name = "projects:project_list"


class ProjectRestoreView(generic.ObjectRestoreView):
    queryset = Project.all_objects.all()


class ProjectDeleteView(generic.ObjectDeleteView):
    queryset = Project.objects.all()
    action = "delete"
    success_url_name = "projects:project_list"


class ProjectBulkDeleteView(generic.BulkDeleteView):
    queryset = Project.objects.all()
    success_url_name = "projects:project_list"


class ProjectEditView(generic.ObjectEditView):
    queryset = Project.objects.all()
    form_class = ProjectForm
    template_name = "projects/project_edit.html"

    def get_object(self):
        obj = super().get_object()
        if obj.pk is None:
            # pre-fill the investor from ?investor= (a restricted lookup: a guessed id fills nothing)
            investor = generic.query_id(self.request, "investor")
            if investor is not None:
                from qiao.orgs.models import Organization

                obj.investor = Organization.objects.restrict(self.request.user).filter(pk=investor).first()
        return obj


# ---------------------------------------------------------------- the project's page


def _case_url(case) -> str:
    try:
        return case.get_absolute_url()
    except NoReverseMatch:  # the ledger's pages may not be there
        return ""


def timeline(user, project: Project) -> list[dict]:
    """Stage changes, tranches and the project's cases (those the user may see), newest first."""
    events = []
    for change in project.stage_changes.select_related("by"):
        events.append(
            {
                "kind": "stage",
                "on": change.on,
                "order": (change.on, 1, change.pk),
                "stage": change.to_stage,
                "from_stage": change.from_stage,
                "title": change.get_to_stage_display(),
                "from_title": change.get_from_stage_display() if change.from_stage else "",
                "note": change.note,
                "by": change.by,
                "badge": STAGE_BADGES.get(change.to_stage, ""),
            }
        )
    for tranche in project.tranches.select_related("by"):
        events.append(
            {
                "kind": "tranche",
                "on": tranche.on,
                "order": (tranche.on, 0, tranche.pk),
                "amount": tranche.amount,
                "note": tranche.note,
                "by": tranche.by,
                "id": tranche.pk,
            }
        )
    from qiao.ledger.models import Case

    for case in Case.objects.restrict(user).filter(project=project).order_by("-raised_on", "-id")[:100]:
        events.append(
            {
                "kind": "case",
                "on": case.raised_on,
                "order": (case.raised_on, 2, case.pk),
                "title": case.title,
                "status": case.get_status_display(),
                "category": case.get_category_display(),
                "url": _case_url(case),
            }
        )
    events.sort(key=lambda event: event["order"], reverse=True)
    return events


def _tranche_context(request, project: Project, form=None, can_change=None) -> dict:
    if can_change is None:
        can_change = (
            not project.is_deleted and Project.objects.restrict(request.user, "change").filter(pk=project.pk).exists()
        )
    tranches = list(project.tranches.select_related("by").order_by("-on", "-id"))
    return {
        "object": project,
        "tranches": tranches,
        "can_change": can_change,
        "tranche_form": (form or TrancheForm(user=request.user)) if can_change else None,
        "events": timeline(request.user, project),
    }


class ProjectView(generic.ObjectView):
    queryset = projects
    template_name = "projects/project.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        user = self.request.user
        can_change = context["can_change"] and not project.is_deleted
        context.update(_tranche_context(self.request, project, can_change=can_change))
        moves = services.allowed_moves(project)
        context.update(
            people=list(ProjectPerson.objects.filter(project=project).select_related("person")),
            person_form=ProjectPersonForm(user=user) if can_change else None,
            moves=[(stage, Stage(stage).label) for stage in moves],
            move_form=MoveForm(initial={"on": services.local_today(user)}) if can_change and moves else None,
            today=services.local_today(user),
            over_plan=project.over_plan,
            stage_badge=STAGE_BADGES.get(project.stage, ""),
            is_dropped=project.stage == Stage.DROPPED,
            is_final=project.stage == Stage.PRODUCTION,
        )
        return context


class ProjectHistoryView(generic.ObjectHistoryView):
    queryset = Project.objects.all()
    base_template = "projects/project.html"


class ProjectMixin(generic.ObjectMixin):
    queryset = Project.objects.all()
    action = "change"


class TrancheAddView(ProjectMixin, View):
    """Add a tranche (an htmx form on the project's page: it gets the tranches panel back)."""

    def post(self, request, pk):
        project = self.get_object()
        form = TrancheForm(request.POST, user=request.user)
        error = ""
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_tranche(
                    request.user,
                    project,
                    amount=data["amount"],
                    on=data["on"],
                    note=data["note"],
                    confirm=data["confirm"],
                )
            except ValidationError as exc:
                error = _error_text(exc)
                for field, texts in _errors(exc).items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
            else:
                form = None
        else:
            error = _form_error_text(form)
        return _tranches_response(request, project, form, error, _("Tranche added."))


class TrancheChangeView(LoginRequiredMixin, View):
    """Correct or delete a tranche (on the project's page)."""

    deleting = False

    def post(self, request, pk):
        tranche = get_object_or_404(Tranche.objects.restrict(request.user, "change").select_related("project"), pk=pk)
        project = get_object_or_404(Project.objects.restrict(request.user, "change"), pk=tranche.project_id)
        error = ""
        form = None
        try:
            if self.deleting:
                services.delete_tranche(request.user, tranche)
            else:
                form = TrancheForm(request.POST, user=request.user, tranche=tranche)
                if not form.is_valid():
                    raise ValidationError(_form_error_text(form))
                data = form.cleaned_data
                services.change_tranche(
                    request.user,
                    tranche,
                    amount=data["amount"],
                    on=data["on"],
                    note=data["note"],
                    confirm=data["confirm"],
                )
                form = None
        except ValidationError as exc:
            error = _error_text(exc)
        done = _("Tranche deleted.") if self.deleting else _("Tranche saved.")
        return _tranches_response(request, project, None, error, done)


def _tranches_response(request, project: Project, form, error: str, done: str):
    project.refresh_from_db()
    if getattr(request, "htmx", False):
        context = _tranche_context(request, project, form=form)
        shown_in_form = form is not None and form.errors  # the form shows them under its fields
        context.update(error="" if shown_in_form else error, oob=True)
        return render(request, "projects/_tranches.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(project.get_absolute_url() + "#tranches")


class MoveView(ProjectMixin, View):
    """Move a project to another stage. The board posts here with fetch (JSON answer); the project's
    page posts a plain form (redirect with a message)."""

    def post(self, request, pk):
        project = self.get_object()
        form = MoveForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError({k: list(v) for k, v in form.errors.items()})
            data = form.cleaned_data
            project = services.move(
                request.user, project, data["stage"], on=data["on"], note=data["note"], reason=data["reason"]
            )
        except ValidationError as exc:
            if _wants_json(request):
                return JsonResponse({"ok": False, "message": _error_text(exc), "errors": _errors(exc)}, status=400)
            messages.error(request, _error_text(exc))
            return HttpResponseRedirect(project.get_absolute_url())
        text = _("“%(name)s” moved to “%(stage)s” on %(date)s.") % {
            "name": project.name,
            "stage": project.get_stage_display(),
            "date": project.stage_on.isoformat(),
        }
        if _wants_json(request):
            return JsonResponse(
                {"ok": True, "message": text, "stage": project.stage, "on": project.stage_on.isoformat()}
            )
        messages.success(request, text)
        return HttpResponseRedirect(request.POST.get("next") or project.get_absolute_url())


class PersonAddView(ProjectMixin, View):
    def post(self, request, pk):
        project = self.get_object()
        form = ProjectPersonForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _form_error_text(form))
        else:
            try:
                services.add_person(request.user, project, form.cleaned_data["person"], role=form.cleaned_data["role"])
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(
                    request, _("%(name)s is now related to the project.") % {"name": form.cleaned_data["person"]}
                )
        return HttpResponseRedirect(project.get_absolute_url() + "#people")


class PersonRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        link = get_object_or_404(
            ProjectPerson.objects.restrict(request.user, "change").select_related("project", "person"), pk=pk
        )
        if link.project.is_deleted:
            raise PermissionDenied(_("This project has been deleted."))
        services.remove_person(request.user, link)
        messages.success(request, _("%(name)s is no longer related to the project.") % {"name": link.person})
        return HttpResponseRedirect(link.project.get_absolute_url() + "#people")


# ---------------------------------------------------------------- the board


class BoardView(generic.ScopedMixin, TemplateView):
    """The pipeline by stage: per column the count and planned/landed totals of every project in it
    under the filters (one GROUP BY), and the cards of its most recent BOARD_CARDS projects."""

    queryset = Project.objects.all()
    template_name = "projects/board.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["projects/_board_columns.html"]
        return [self.template_name]

    def rows(self, filterset):
        rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
        query = self.request.GET.get("q", "").strip()
        if query:
            rows = rows.filter(pk__in=search.search(self.get_queryset(), query).values("pk"))
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        params = self.request.GET.copy()
        params.pop("stage", None)  # the board shows every stage; a stage filter applies to the list only
        filterset = ProjectFilterSet(params or None, queryset=self.get_queryset(), request=self.request)
        rows = self.rows(filterset)
        figures = services.totals_by_stage(rows)
        card_rows = rows.select_related("investor").only(
            "id",
            "name",
            "stage",
            "stage_on",
            "planned_amount",
            "landed_amount",
            "investor__name",
            "dropped_from",
            "unit",
        )
        filters = params.urlencode()
        writable = scoping.unit_ids(user, "change")
        columns = []
        for stage in BOARD_COLUMNS:
            query = QueryDict(mutable=True)
            query.update(params)
            query["stage"] = stage
            cards = list(card_rows.filter(stage=stage).order_by("-stage_on", "-id")[:BOARD_CARDS])
            for card in cards:
                changeable = writable is scoping.ALL or card.unit_id in writable
                card.moves = services.allowed_moves(card) if changeable else []
            columns.append(
                {
                    "stage": stage,
                    "label": Stage(stage).label,
                    "badge": STAGE_BADGES[stage],
                    "figures": figures[stage],
                    "cards": cards,
                    "list_url": f"{reverse('projects:project_list')}?{query.urlencode()}",
                    "collapsed": stage == Stage.DROPPED,
                }
            )
        totals = {
            "count": sum(f["count"] for f in figures.values()),
            "planned": sum(f["planned"] for f in figures.values()),
            "landed": sum(f["landed"] for f in figures.values()),
        }
        context.update(
            filter=filterset,
            columns=columns,
            totals=totals,
            filters=filters,
            limit=BOARD_CARDS,
            today=services.local_today(user),
            can_change=scoping.has_any(user, "change"),
            stages=[(stage, Stage(stage).label) for stage in BOARD_COLUMNS],
            dropped=Stage.DROPPED.value,
            title=_("Pipeline board"),
        )
        return context
