"""Pages of matching: demands with their ranked candidates, matches moving through their stages,
a person's talent profile and opportunities, plans (一人一策) and the taxonomy. Rules are in
services.py, the ranking in engine.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from qiao.core import concurrency, lists
from qiao.core import views as generic
from qiao.people.models import Person

from . import engine, services
from .filtersets import DemandFilterSet, MatchFilterSet, PlanFilterSet
from .forms import DemandForm, FieldForm, MatchMoveForm, PlanForm, PlanTaskForm, TalentProfileForm
from .models import Demand, Field, Language, Match, MatchStage, Plan, PlanTask
from .tables import DemandTable, MatchTable, PlanTable


def _matches(**conditions):
    """A demand's matches counted in a subquery of their own: joined and grouped, every demand in scope was counted
    before the page's 50 were picked (140 ms for a base's 16,000 demands; bench/RESULTS.md, issue 10)."""
    counted = Match.objects.filter(demand=OuterRef("pk"), **conditions).order_by().values("demand")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


demands = (
    Demand.objects.select_related("unit", "organization")
    .annotate(n_matches=_matches(), n_agreed=_matches(stage=MatchStage.AGREED))
    .order_by("-created", "-id")
)
PAGE = 20


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------- demands


class DemandListView(generic.ObjectListView):
    queryset = demands
    filterset_class = DemandFilterSet
    table_class = DemandTable
    export_name = "demands"
    add_url_name = "matching:demand_add"
    bulk_delete_url_name = "matching:demand_bulk_delete"
    trash_url_name = "matching:demand_trash"
    title = gettext_lazy("Demands")


class DemandTrashView(generic.ObjectTrashView):
    queryset = Demand.all_objects.select_related("unit")
    filterset_class = DemandFilterSet
    title = gettext_lazy("Deleted demands")
    export_name = "demands-deleted"
    restore_url_name = "matching:demand_restore"
    back_url_name = "matching:demand_list"


class DemandRestoreView(generic.ObjectRestoreView):
    queryset = Demand.all_objects.all()


class DemandView(generic.ObjectView):
    queryset = demands.prefetch_related("fields")
    template_name = "matching/demand.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        demand = self.object
        context.update(
            live=services.is_live(demand),
            gaps=engine.demand_gaps(demand),
            languages="、".join(str(Language(code).label) for code in demand.languages if code in Language.values),
            matches=_matches(self.request.user, demand=demand),
            move_form=MatchMoveForm(),
            stages=MatchStage,
        )
        return context


class DemandHistoryView(generic.ObjectHistoryView):
    queryset = Demand.objects.all()
    base_template = "matching/demand.html"

    def related_history(self):
        return [(Match, list(self.object.matches.values_list("pk", flat=True)))]


class DemandEditView(generic.ObjectEditView):
    queryset = Demand.objects.all()
    form_class = DemandForm


class DemandDeleteView(generic.ObjectDeleteView):
    queryset = Demand.objects.all()
    action = "delete"
    success_url_name = "matching:demand_list"


class DemandBulkDeleteView(generic.BulkDeleteView):
    queryset = Demand.objects.all()
    success_url_name = "matching:demand_list"


def _matches(user, **filters):
    return list(
        Match.objects.restrict(user)
        .filter(**filters)
        .select_related("person", "demand", "demand__organization")
        .prefetch_related("steps", "steps__by")
        .order_by("-updated", "-id")
    )


def _rendered(reasons) -> list[str]:
    return [str(engine.Reason.from_dict(r)) for r in reasons or []]


class CandidatesView(generic.ObjectMixin, View):
    """The ranked people for a demand (an htmx partial of the demand's page), 20 at a time."""

    queryset = Demand.objects.all()

    def get(self, request, pk):
        demand = self.get_object()
        page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1, 1)
        context = {"demand": demand, "page": page, "live": services.is_live(demand)}
        gaps = engine.demand_gaps(demand)
        if gaps:
            context["gaps"] = gaps
        elif context["live"]:
            ranked = engine.candidates(demand, request.user, limit=PAGE + 1, offset=(page - 1) * PAGE)
            people = Person.objects.restrict(request.user).in_bulk([r.pk for r in ranked[:PAGE]])
            followed = dict(Match.objects.filter(demand=demand).values_list("person_id", "stage"))
            context.update(
                rows=[
                    {
                        "rank": (page - 1) * PAGE + index + 1,
                        "result": result,
                        "person": people[result.pk],
                        "stage": MatchStage(followed[result.pk]).label if result.pk in followed else "",
                    }
                    for index, result in enumerate(ranked[:PAGE])
                    if result.pk in people
                ],
                more=len(ranked) > PAGE,
                can_propose=Demand.objects.restrict(request.user, "change").filter(pk=demand.pk).exists(),
            )
        return render(request, "matching/_candidates.html", context)


class ProposeView(generic.ObjectMixin, View):
    """Put a ranked person forward for the demand (the reasons shown are kept with the match)."""

    queryset = Demand.objects.all()
    action = "change"

    def post(self, request, pk):
        demand = self.get_object()
        person_id = request.POST.get("person", "")
        person = get_object_or_404(Person.objects.restrict(request.user), pk=person_id if person_id.isdigit() else 0)
        ranked = engine.rank_one(demand, person)
        try:
            match = services.propose(
                request.user,
                demand,
                person,
                score=ranked.score if ranked else None,
                reasons=[r.as_dict() for r in ranked.reasons] if ranked else [],
                note=request.POST.get("note", "")[:2000],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(demand.get_absolute_url())
        except PermissionDenied as error:
            raise Http404(str(error)) from error
        messages.success(request, _("Proposed %(person)s for “%(demand)s”.") % {"person": person, "demand": demand})
        return HttpResponseRedirect(match.get_absolute_url())


# ---------------------------------------------------------------- matches


class MatchListView(generic.ObjectListView):
    queryset = Match.objects.select_related("person", "demand", "demand__organization", "unit").order_by(
        "-updated", "-id"
    )
    filterset_class = MatchFilterSet
    table_class = MatchTable
    export_name = "matches"
    title = gettext_lazy("Matches")
    template_name = "matching/match_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(Match.objects.restrict(self.request.user).values_list("stage").annotate(n=Count("pk")).order_by())
        context["funnel"] = [(code, label, counts.get(code, 0)) for code, label in MatchStage.choices]
        return context


class MatchMoveView(generic.ObjectMixin, View):
    """Move a match to another stage with a note; htmx gets the match's card back."""

    queryset = Match.objects.all()
    action = "change"

    def post(self, request, pk):
        match = self.get_object()
        form = MatchMoveForm(request.POST)
        error = ""
        if form.is_valid():
            try:
                match = services.move(request.user, match, form.cleaned_data["stage"], note=form.cleaned_data["note"])
            except ValidationError as exc:
                error = _error_text(exc)
        else:
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        if getattr(request, "htmx", False):
            match = _matches(request.user, pk=match.pk)[0]
            response = render(
                request,
                "matching/_match.html",
                {"match": match, "can_change": True, "move_form": MatchMoveForm(), "error": error},
                status=400 if error else 200,
            )
            if error:
                response["HX-Reswap"] = "outerHTML"  # show the message in place
            return response
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Moved to “%(stage)s”.") % {"stage": match.get_stage_display()})
        return HttpResponseRedirect(request.POST.get("next") or match.get_absolute_url())


# ---------------------------------------------------------------- a person's side


class PersonMixin(LoginRequiredMixin):
    action = "view"

    def get_person(self) -> Person:
        return get_object_or_404(Person.objects.restrict(self.request.user, self.action), pk=self.kwargs["pk"])


class TalentProfileEditView(PersonMixin, TemplateView):
    template_name = "matching/profile_edit.html"
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = self.get_person()
        self.profile = services.profile_of(self.person)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = TalentProfileForm(instance=self.profile, user=request.user)
        return self.render_to_response(self.context(form))

    def context(self, form, **extra):
        return {"form": form, "person": self.person, "edit_version": concurrency.token(self.profile), **extra}

    def post(self, request, *args, **kwargs):
        form = TalentProfileForm(request.POST, instance=self.profile, user=request.user)
        if form.is_valid():
            try:
                conflict, _saved = concurrency.save_unless_changed(
                    self.profile, request, lambda: form.save(request.user)
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if conflict is not None:  # changed by someone else since the form was opened: show theirs
                    self.profile = type(self.profile)._base_manager.get(pk=self.profile.pk)
                    yours = concurrency.submitted_values(
                        TalentProfileForm(request.POST, instance=self.profile, user=request.user)
                    )
                    fresh = TalentProfileForm(instance=self.profile, user=request.user)
                    context = self.context(fresh, conflict=conflict.message(), conflict_values=yours)
                    return self.render_to_response(context, status=409)
                messages.success(request, _("Saved the talent profile of %(name)s.") % {"name": self.person})
                return HttpResponseRedirect(self.person.get_absolute_url() + "#talent")
        return self.render_to_response(self.context(form), status=400)


class OpportunitiesView(PersonMixin, View):
    """The open demands that fit a person, best first (an htmx partial of the person's page)."""

    def get(self, request, pk):
        person = self.get_person()
        gaps = engine.profile_gaps(person)
        rows = []
        if not gaps:
            ranked = engine.opportunities(person, request.user, limit=PAGE)
            found = Demand.objects.restrict(request.user).select_related("organization").in_bulk([r.pk for r in ranked])
            rows = [{"result": r, "demand": found[r.pk]} for r in ranked if r.pk in found]
        return render(
            request,
            "matching/_opportunities.html",
            {
                "person": person,
                "gaps": gaps,
                "rows": rows,
                "matches": _matches(request.user, person=person),
                "can_change": Person.objects.restrict(request.user, "change").filter(pk=person.pk).exists(),
            },
        )


class PlanForPersonView(PersonMixin, View):
    """Open the person's plan, or (POST) start one."""

    def get(self, request, pk):
        person = self.get_person()
        try:
            plan = services.plan_for(request.user, person)
        except PermissionDenied as error:
            messages.info(request, str(error))
            return HttpResponseRedirect(person.get_absolute_url())
        if plan is None:
            return render(request, "matching/plan_start.html", {"person": person})
        return HttpResponseRedirect(plan.get_absolute_url())

    def post(self, request, pk):
        person = self.get_person()
        try:
            plan = services.plan_for(request.user, person, create=True)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(person.get_absolute_url())
        return HttpResponseRedirect(plan.get_absolute_url())


# ---------------------------------------------------------------- plans

plans = Plan.objects.select_related("person", "unit", "responsible").annotate(
    n_open=Count("tasks", filter=Q(tasks__done__isnull=True)),
    next_due=Min("tasks__due", filter=Q(tasks__done__isnull=True)),
)


class PlanListView(generic.ObjectListView):
    queryset = plans.order_by("-updated", "-id")
    filterset_class = PlanFilterSet
    table_class = PlanTable
    export_name = "plans"
    title = gettext_lazy("Plans (一人一策)")


def _benefits(person, chosen=()):
    """The policy navigator's verdicts for a person today: the benefits they qualify or nearly
    qualify for, and those already chosen for their plan, loaded."""
    from qiao.policies import services as policy_services

    found = policy_services.benefits_for(person, on=timezone.localdate())
    chosen = set(chosen)
    return policy_services.attach([v for v in found if v.status in ("yes", "nearly") or v.benefit_id in chosen])


class PlanView(generic.ObjectView):
    queryset = plans
    template_name = "matching/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_plan_context(self.request.user, self.object))
        context["task_form"] = PlanTaskForm(user=self.request.user) if context["can_change"] else None
        return context


def _plan_context(user, plan) -> dict:
    person = plan.person
    chosen = set(plan.benefits.values_list("pk", flat=True))
    verdicts = _benefits(person, chosen)
    return {
        "person": person,
        "profile": services.profile_of(person),
        "degree": services.highest_degree(person),
        "chosen_matches": plan.matches.select_related("demand", "demand__organization").order_by("demand__title"),
        "chosen_benefits": [v for v in verdicts if v.benefit_id in chosen],
        "other_chosen": plan.benefits.exclude(pk__in=[v.benefit_id for v in verdicts]).select_related("policy"),
        "eligible": [v for v in verdicts if v.status == "yes" and v.benefit_id not in chosen],
        "tasks": plan.tasks.select_related("assignee").order_by("done", "due", "id"),
        "today": timezone.localdate(),
    }


class PlanHistoryView(generic.ObjectHistoryView):
    queryset = Plan.objects.all()
    base_template = "matching/plan.html"

    def related_history(self):
        return [(PlanTask, list(self.object.tasks.values_list("pk", flat=True)))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_plan_context(self.request.user, self.object))
        return context


class PlanEditView(generic.ObjectEditView):
    queryset = Plan.objects.select_related("person")
    template_name = "matching/plan_edit.html"

    def get_form(self, data=None, files=None):
        from qiao.policies.models import Benefit

        offered = [v.benefit_id for v in _benefits(self.object.person)]
        offered += list(self.object.benefits.values_list("pk", flat=True))
        benefits = Benefit.objects.filter(pk__in=offered).select_related("policy")
        return PlanForm(data, instance=self.object, user=self.request.user, benefits=benefits)


class PlanPrintView(generic.ObjectView):
    """The plan as a document to print, in zh-Hans or zh-Hant (?lang=), whatever the UI language."""

    queryset = plans
    template_name = "matching/plan_print.html"
    LANGUAGES = ("zh-hans", "zh-hant", "en")

    def get(self, request, *args, **kwargs):
        language = request.GET.get("lang") or translation.get_language()
        if language not in self.LANGUAGES:
            language = "zh-hans"
        self.object = self.get_object()
        with translation.override(language):
            context = self.get_context_data(**kwargs)
            context.update(_plan_context(request.user, self.object), language=language, languages=self.LANGUAGES)
            response = self.render_to_response(context)
            response.render()
        return response


class PlanTaskAddView(generic.ObjectMixin, View):
    queryset = Plan.objects.all()
    action = "change"

    def post(self, request, pk):
        plan = self.get_object()
        form = PlanTaskForm(request.POST, instance=PlanTask(plan=plan), user=request.user)
        if form.is_valid():
            try:
                form.save(request.user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("Added the task."))
        else:
            messages.error(request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
        return HttpResponseRedirect(plan.get_absolute_url() + "#tasks")


class PlanTaskView(LoginRequiredMixin, View):
    """Mark a task done or not done, or delete it (POST `do` = done / undo / delete)."""

    def post(self, request, pk):
        task = get_object_or_404(
            PlanTask.objects.select_related("plan").filter(plan__in=Plan.objects.restrict(request.user, "change")),
            pk=pk,
        )
        do = request.POST.get("do", "")
        if do == "delete":
            services.delete_task(request.user, task)
        elif do in ("done", "undo"):
            services.mark_task(request.user, task, do == "done")
        else:
            return HttpResponse(_("Say what to do with the task."), status=400)
        return HttpResponseRedirect(task.plan.get_absolute_url() + "#tasks")


# ---------------------------------------------------------------- the taxonomy


class FieldTreeView(LoginRequiredMixin, TemplateView):
    """Every user reads the taxonomy; network administrators edit it (like the shared lists)."""

    template_name = "matching/field_tree.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Demand.objects.restrict(self.request.user)
        context.update(
            fields=Field.objects.annotate(n_demands=Count("demands", filter=Q(demands__in=visible), distinct=True)),
            may_edit=lists.may_edit(self.request.user),
        )
        return context


class FieldEditView(LoginRequiredMixin, TemplateView):
    template_name = "generic/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not lists.may_edit(request.user):
            raise PermissionDenied(_("Only administrators of the whole network edit the shared lists."))
        self.object = get_object_or_404(Field, pk=kwargs["pk"]) if "pk" in kwargs else Field()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        initial = {"parent": request.GET.get("parent")} if request.GET.get("parent", "").isdigit() else None
        return self.render_to_response(self.context(FieldForm(instance=self.object, initial=initial)))

    def post(self, request, *args, **kwargs):
        form = FieldForm(request.POST, instance=self.object)
        if form.is_valid():
            field = form.save(request.user)
            messages.success(request, _("Saved “%(name)s”.") % {"name": field})
            return HttpResponseRedirect(reverse("matching:field_tree") + f"#field-{field.pk}")
        return self.render_to_response(self.context(form), status=400)

    def context(self, form):
        return {"form": form, "object": self.object, "model_name": Field._meta.verbose_name}
