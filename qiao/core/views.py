"""Generic views: a list, detail, edit or delete page is declared, not written."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError, Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from . import concurrency, exporters, scoping, search, sensitive, services
from .models import ActionLog, ChangeRecord
from .tables import TrashTable


def query_id(request, name: str) -> int | None:
    """An id from the query string, or None when it is missing or not a number."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


class ScopedMixin(LoginRequiredMixin):
    """Fetch records only through the restricted queryset."""

    queryset = None
    action = "view"

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, self.action)


class CappedPaginator(Paginator):
    """Counts a list's rows up to settings.QIAO_LIST_COUNT_LIMIT and no further: beyond it the page says "more
    than N records" (`capped`) and offers the first N/per-page pages. Counting every one of a million people in
    scope took longer than showing the page (bench/RESULTS.md, issue 10); exports and figures count exactly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capped = False

    @cached_property
    def count(self) -> int:
        limit = settings.QIAO_LIST_COUNT_LIMIT
        rows = self.object_list
        queryset = getattr(getattr(rows, "data", None), "data", rows)  # a django-tables2 table's rows
        if not limit or not isinstance(queryset, QuerySet):
            return super().count
        found = queryset.order_by()[: limit + 1].count()
        self.capped = found > limit
        return min(found, limit)


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paged, searchable and exportable list; htmx requests get the table only."""

    template_name = "generic/object_list.html"
    partial_template = "generic/_table.html"  # what an htmx request (filtering, paging) replaces
    paginate_by = 50
    paginator_class = CappedPaginator  # the table's (django-tables2 takes the view's)
    export_name = "export"
    title = ""
    add_url_name = ""

    def get_queryset(self):
        queryset = super().get_queryset()
        query = self.request.GET.get("q", "").strip()
        self.search_truncated = False
        if query and issubclass(queryset.model, search.SearchableModel):
            queryset, self.search_truncated = search.first(queryset, query)
        return queryset

    def paginate_queryset(self, queryset, page_size):
        """The table pages the rows (`get_table`); ListView paging them too counted every list twice."""
        return None, None, queryset, False

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in exporters.FORMATS:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str):
        user = self.request.user
        if not scoping.has_any(user, "export"):
            raise PermissionDenied(_("You do not have permission to export."))
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            queryset = filterset.qs
        else:
            queryset = filterset.queryset.none()  # as the list page: an invalid filter shows nothing
        # the rows this page shows (under its own action) that the user may also export
        model = queryset.model
        everything = getattr(model, "all_objects", model._default_manager).all()
        queryset = queryset.filter(pk__in=everything.restrict(user, "export").values("pk"))
        table_class = self.get_table_class()
        queryset = queryset.prefetch_related(*getattr(table_class, "export_prefetch", ()))
        options = {}
        if getattr(table_class, "sensitive_columns", ()):
            # personal data in full only where the user's role in the owning unit allows it
            options["reveal"] = lambda record: sensitive.can_export(user, record)
        table = table_class(queryset, exclude=("actions", "select"), **options)
        RequestConfig(self.request, paginate=False).configure(table)
        rows = list(table.as_values())
        filters = {key: value for key, value in self.request.GET.lists() if key != "export"}
        query = self.request.GET.copy()
        query.pop("export", None)
        masked_rows = len(getattr(table, "masked_pks", ()))
        ActionLog.record(
            "qiao.export",
            None,
            model=model._meta.label,
            page=self.request.path,
            query=query.urlencode(),
            filters=filters,
            rows=len(rows) - 1,
            format=fmt,
            sensitive_columns=list(getattr(table_class, "sensitive_columns", ())),
            masked=masked_rows > 0,
            masked_rows=masked_rows,
        )
        return exporters.write(rows, fmt, self.export_name)

    def export_masking(self) -> str:
        """How the export of this list will mask personal data for this user: "all" (every record),
        "some" (records outside the units they manage, shared ones included) or "" (none)."""
        if not getattr(self.get_table_class(), "sensitive_columns", ()):
            return ""
        user = self.request.user
        full = scoping.unit_ids(user, "export_sensitive")
        if full is scoping.ALL:
            return ""
        if not full:
            return "all"
        exported = scoping.unit_ids(user, "export")
        if exported - full:
            return "some"
        model = self.queryset.model
        share_model = getattr(model, "share_model", None)
        if share_model is not None:
            foreign = share_model.objects.filter(unit_id__in=exported).exclude(
                **{f"{share_model.shared_field}__{model.scope_field}__in": full}
            )
            if foreign.exists():
                return "some"
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search_truncated"] = getattr(self, "search_truncated", False)
        model = self.queryset.model
        can_export = scoping.has_any(self.request.user, "export")
        masking = self.export_masking() if can_export else ""
        notes = {
            "all": _(
                "Identity documents, phones, e-mails and dates of birth will be partly masked in the export: "
                "your role does not allow exporting them in full."
            ),
            "some": _(
                "Identity documents, phones, e-mails and dates of birth are exported in full only for records "
                "of units you manage; for other records, including records shared with your unit, they are "
                "partly masked."
            ),
        }
        context.update(
            title=self.title or model._meta.verbose_name_plural,
            model_name=model._meta.model_name,
            add_url_name=self.add_url_name if scoping.has_any(self.request.user, "add") else "",
            can_export=can_export,
            export_masking=masking,
            export_note=notes.get(masking, ""),
            can_delete=scoping.has_any(self.request.user, "delete"),
            query=self.request.GET.get("q", ""),
        )
        return context


class ObjectMixin(ScopedMixin):
    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return obj


class ObjectView(ObjectMixin, TemplateView):
    """A record's page. Subclasses add related records to the context."""

    tab = "overview"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context.update(object=obj, tab=self.tab, can_change=self.allowed("change"), can_delete=self.allowed("delete"))
        return context

    def allowed(self, action: str) -> bool:
        """Whether the user may `action` this record: the same restricted queryset as everywhere."""
        manager = type(self.object)._default_manager
        return manager.restrict(self.request.user, action).filter(pk=self.object.pk).exists()


class ObjectHistoryView(ObjectView):
    tab = "history"
    template_name = "generic/object_history.html"
    base_template = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        content_type = ContentType.objects.get_for_model(type(self.object))
        records = Q(content_type=content_type, object_id=self.object.pk)
        for model, ids in self.related_history():
            records |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
        context["changes"] = ChangeRecord.objects.filter(records)[:200]
        context["base_template"] = self.base_template
        return context

    def related_history(self):
        """(model, ids) of records with their own history that this record's page also shows."""
        return []


class ObjectEditView(ObjectMixin, TemplateView):
    """Create or edit a record through a form whose `save(user)` calls the services layer."""

    form_class = None
    template_name = "generic/object_edit.html"
    action = "change"

    def get_object(self):
        if "pk" not in self.kwargs:
            return self.queryset.model()
        return super().get_object()

    def get_queryset(self):
        model = self.queryset.model
        if getattr(model, "share_model", None):
            return self.queryset.all().restrict(self.request.user, "change")
        return super().get_queryset()

    def get_form(self, data=None, files=None):
        return self.form_class(data, files, instance=self.object, user=self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        needed = "change" if "pk" in kwargs else "add"
        if not scoping.has_any(request.user, needed) and not (
            needed == "change" and getattr(self.queryset.model, "share_model", None)
        ):
            raise PermissionDenied(_("Your role does not allow this."))
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                # refused when the record changed after the form was opened (qiao/core/concurrency.py)
                conflict, obj = concurrency.save_unless_changed(self.object, request, lambda: form.save(request.user))
            except ValidationError as error:
                self.add_save_error(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or _("Your role does not allow this."))
            else:
                if conflict is not None:
                    return self.conflict(conflict)
                messages.success(request, _("Saved “%(name)s”.") % {"name": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def add_save_error(self, form, error: ValidationError) -> None:
        """Show what the services layer refused on the form."""
        form.add_error(None, error)

    def conflict(self, conflict):
        """409: nothing saved; the form shows the current version, with what the user had typed beside it."""
        if conflict.updated is None:
            raise Http404(conflict.message())
        self.object = self.get_object()  # the current version
        yours = concurrency.submitted_values(self.get_form(self.request.POST, self.request.FILES))
        context = self.get_context_data(form=self.get_form(), conflict=conflict.message(), conflict_values=yours)
        return self.render_to_response(context, status=409)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["model_name"] = self.queryset.model._meta.verbose_name
        context["edit_version"] = concurrency.token(self.object)
        return context


class ObjectDeleteView(ObjectMixin, TemplateView):
    template_name = "generic/object_delete.html"
    success_url_name = ""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response({"object": self.object})

    def post(self, request, *args, **kwargs):
        from django.urls import reverse

        self.object = self.get_object()
        try:
            services.delete(request.user, self.object)
        except ProtectedError:
            messages.error(request, _("This record is still in use by other records and cannot be deleted."))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(request, _("Deleted “%(name)s”.") % {"name": self.object})
        return HttpResponseRedirect(reverse(self.success_url_name))


class ObjectTrashView(ObjectListView):
    """Deleted records the user's role may restore (managers and administrators)."""

    template_name = "generic/object_trash.html"
    table_class = TrashTable
    action = "delete"
    restore_url_name = ""
    back_url_name = ""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=False).select_related("unit", "deleted_by")


class ObjectRestoreView(ScopedMixin, View):
    action = "delete"

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset().filter(deleted_at__isnull=False), pk=pk)
        services.restore(request.user, obj)
        messages.success(request, _("Restored “%(name)s”.") % {"name": obj})
        return HttpResponseRedirect(obj.get_absolute_url())


class BulkDeleteView(ScopedMixin, View):
    """Delete the selected records of a list, each one re-checked against the user's scope."""

    success_url_name = ""

    def post(self, request, *args, **kwargs):
        from django.urls import reverse

        ids = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
        objects = list(self.queryset.all().restrict(request.user, "delete").filter(pk__in=ids))
        if len(objects) != len(set(ids)):
            raise Http404(_("Some selected records are not available to you."))
        with services.writing():
            for obj in objects:
                services.delete(request.user, obj)
        messages.success(
            request,
            ngettext("Deleted %(count)d record.", "Deleted %(count)d records.", len(objects)) % {"count": len(objects)},
        )
        return HttpResponseRedirect(reverse(self.success_url_name))
