from django.utils.translation import gettext_lazy

from qiao.core import views as generic
from qiao.people.models import Affiliation
from qiao.people.tables import AffiliationTable

from .filtersets import OrganizationFilterSet
from .forms import OrganizationForm
from .models import Organization
from .tables import OrganizationTable

organizations = Organization.objects.select_related("unit", "parent")


class OrganizationListView(generic.ObjectListView):
    queryset = organizations
    filterset_class = OrganizationFilterSet
    table_class = OrganizationTable
    export_name = "organizations"
    add_url_name = "orgs:organization_add"
    bulk_delete_url_name = "orgs:organization_bulk_delete"
    trash_url_name = "orgs:organization_trash"


class OrganizationTrashView(generic.ObjectTrashView):
    queryset = Organization.all_objects.all()
    filterset_class = OrganizationFilterSet
    title = gettext_lazy("Deleted organisations")
    export_name = "organizations-deleted"
    restore_url_name = "orgs:organization_restore"
    back_url_name = "orgs:organization_list"


class OrganizationRestoreView(generic.ObjectRestoreView):
    queryset = Organization.all_objects.all()


class OrganizationView(generic.ObjectView):
    queryset = organizations
    template_name = "orgs/organization.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.object
        user = self.request.user
        context["children"] = org.children.restrict(user, "view")[:100]
        affiliations = (
            Affiliation.objects.restrict(user, "view").filter(organization=org).select_related("person", "organization")
        )
        context["affiliations"] = AffiliationTable(affiliations, exclude=("organization",))
        context["employees"] = org.employees.restrict(user, "view")[:50]
        return context


class OrganizationHistoryView(generic.ObjectHistoryView):
    queryset = Organization.objects.all()
    base_template = "orgs/organization.html"


class OrganizationEditView(generic.ObjectEditView):
    queryset = Organization.objects.all()
    form_class = OrganizationForm


class OrganizationDeleteView(generic.ObjectDeleteView):
    queryset = Organization.objects.all()
    action = "delete"
    success_url_name = "orgs:organization_list"


class OrganizationBulkDeleteView(generic.BulkDeleteView):
    queryset = Organization.objects.all()
    success_url_name = "orgs:organization_list"
