"""Policy pages: the list, a policy with its benefits and their rules, edit forms with the rule
builder, and a person's benefits (the partial the person page loads with htmx). Every rule is in
services.py; who may read and write is in models.py (PolicyQuerySet.restrict)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import views as generic
from qiao.people.models import Person

from . import attributes, rules, services
from .filtersets import PolicyFilterSet
from .forms import AsOfForm, BenefitForm, PolicyForm
from .models import Benefit, Policy
from .tables import PolicyTable

policies = (
    Policy.objects.select_related("unit").annotate(n_benefits=Count("benefits")).order_by("-effective_from", "-id")
)


class PolicyListView(generic.ObjectListView):
    queryset = policies
    filterset_class = PolicyFilterSet
    table_class = PolicyTable
    export_name = "policies"
    add_url_name = "policies:policy_add"
    bulk_delete_url_name = "policies:policy_bulk_delete"
    trash_url_name = "policies:policy_trash"
    title = gettext_lazy("Policies")


class PolicyView(generic.ObjectView):
    queryset = Policy.objects.select_related("unit").prefetch_related(
        Prefetch("benefits", queryset=Benefit.objects.select_related("kind").order_by("id"))
    )
    template_name = "policies/policy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.object
        today = timezone.localdate()
        benefits = list(policy.benefits.all())
        for benefit in benefits:
            benefit.outline = rules.outline(benefit.rule)
        context.update(
            benefits=benefits,
            in_force=Policy.objects.filter(services.in_force(today), pk=policy.pk).exists(),
            expired=bool(policy.effective_to and policy.effective_to < today),
            not_yet=bool(policy.effective_from and policy.effective_from > today),
        )
        return context


class PolicyHistoryView(generic.ObjectHistoryView):
    queryset = Policy.objects.all()
    base_template = "policies/policy.html"


class PolicyEditView(generic.ObjectEditView):
    queryset = Policy.objects.all()
    form_class = PolicyForm
    template_name = "policies/policy_edit.html"


class PolicyDeleteView(generic.ObjectDeleteView):
    queryset = Policy.objects.all()
    action = "delete"
    success_url_name = "policies:policy_list"


class PolicyBulkDeleteView(generic.BulkDeleteView):
    queryset = Policy.objects.all()
    success_url_name = "policies:policy_list"


class PolicyTrashView(generic.ObjectTrashView):
    queryset = Policy.all_objects.select_related("unit")
    filterset_class = PolicyFilterSet
    title = gettext_lazy("Deleted policies")
    export_name = "policies-deleted"
    restore_url_name = "policies:policy_restore"
    back_url_name = "policies:policy_list"


class PolicyRestoreView(generic.ObjectRestoreView):
    queryset = Policy.all_objects.all()


class BenefitEditView(generic.ObjectEditView):
    """Add a benefit to a policy (policies/<policy>/benefits/add/) or edit one, with the rule builder."""

    queryset = Benefit.objects.select_related("policy", "kind")
    form_class = BenefitForm
    template_name = "policies/benefit_edit.html"

    def get_object(self):
        if "pk" in self.kwargs:
            benefit = super().get_object()
            if benefit.policy.deleted_at is not None:
                raise PermissionDenied(_("This policy has been deleted."))
            return benefit
        policy = get_object_or_404(Policy.objects.restrict(self.request.user, "change"), pk=self.kwargs["policy"])
        return Benefit(policy=policy)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policy"] = self.object.policy
        context["rule_spec"] = {**attributes.spec(), "ui": builder_texts()}
        return context


def builder_texts() -> dict[str, str]:
    """The rule builder's words, in the reader's language."""
    return {
        "all": _("All of these"),
        "any": _("Any of these"),
        "not": _("Not"),
        "negate": _("not"),
        "negate_title": _("The condition or group must NOT hold"),
        "add_condition": _("Add a condition"),
        "add_group": _("Add a group"),
        "remove": _("Remove"),
        "attribute": _("Attribute"),
        "operator": _("Operator"),
        "value": _("Value"),
        "choose": _("Choose …"),
        "and": _("and"),
        "at_application": _("on the date of application"),
        "at_date": _("on a fixed date"),
        "empty": _("No conditions: everyone qualifies. Add a condition to limit who qualifies."),
        "several": _("Separate several values with commas."),
        "invalid_json": _("The JSON below is not a rule the builder can show; correct it there."),
        "condition": _("Condition"),
    }


class BenefitDeleteView(generic.ObjectDeleteView):
    queryset = Benefit.objects.select_related("policy")
    action = "change"

    def post(self, request, *args, **kwargs):
        benefit = self.get_object()
        services.delete_benefit(request.user, benefit)
        messages.success(request, _("Removed “%(name)s”.") % {"name": benefit})
        return HttpResponseRedirect(benefit.policy.get_absolute_url())


class PersonBenefitsView(LoginRequiredMixin, View):
    """The benefits a person qualifies for on a date, with the reasons, and those they nearly
    qualify for with what is missing. htmx gets the partial; a plain visit gets a page around it."""

    def get(self, request, pk):
        person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=pk)
        form = AsOfForm(request.GET or None)
        status = 200
        on = timezone.localdate()
        if form.is_bound and not form.is_valid():
            status = 400
            found = None
        else:
            on = (form.cleaned_data.get("on") if form.is_bound else None) or on
            found = services.person_benefits(request.user, person, on=on)
        context = {"person": person, "form": form, "on": on, "found": found}
        htmx = getattr(request, "htmx", False)
        template = "policies/_person_benefits.html" if htmx else "policies/person_benefits.html"
        return render(request, template, context, status=status)
