import django_tables2 as tables
import django_tables2.utils
from django.template import Context, Template
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Membership, Unit, User

_uncached_signature = django_tables2.utils.signature
_signatures: dict = {}


def _signature(fn):
    """django-tables2's `signature`, remembered per function: it asks `inspect.signature` for every cell of every
    row (for each `render_*` and accessor), a tenth of a list page's time (bench/RESULTS.md, issue 10). A bound
    method is remembered by its function, whose signature does not change."""
    func = getattr(fn, "__func__", None)
    key = (func, "bound") if func is not None and getattr(fn, "__self__", None) is not None else fn
    try:
        return _signatures[key]
    except KeyError:
        if len(_signatures) > 4096:  # functions made per request (closures) would otherwise pile up
            _signatures.clear()
        found = _signatures[key] = _uncached_signature(fn)
        return found
    except TypeError:  # unhashable
        return _uncached_signature(fn)


django_tables2.utils.signature = _signature

_compiled: dict = {}


def _template_column_render(self, record, table, value, bound_column, **kwargs):
    """django-tables2's `TemplateColumn.render`, with `template_code` compiled once rather than for every cell
    (every date and time column is one: compiling was a tenth of a list page's time, bench/RESULTS.md, issue
    10). A compiled template is reused as the cached template loader reuses it; what it renders is the same."""
    if not self.template_code:
        return _template_column_render_uncached(self, record, table, value, bound_column, **kwargs)
    context = getattr(table, "context", Context())
    additional_context = {
        "default": bound_column.default,
        "column": bound_column,
        "record": record,
        "value": value,
        "row_counter": kwargs["bound_row"].row_counter,
    }
    additional_context.update(self.extra_context)
    template = _compiled.get(self.template_code)
    if template is None:
        if len(_compiled) > 1024:  # columns made per request with their own code would otherwise pile up
            _compiled.clear()
        template = _compiled[self.template_code] = Template(self.template_code)
    with context.update(additional_context):
        context["request"] = getattr(table, "request", None)
        return template.render(context)


_template_column_render_uncached = tables.TemplateColumn.render
tables.TemplateColumn.render = _template_column_render


def _reveal_nothing(record) -> bool:
    return False


class DateColumn(tables.DateColumn):
    """Shown formatted; exported as the date itself, so that spreadsheet cells are real dates."""

    def value(self, value):
        return value


class DateTimeColumn(tables.DateTimeColumn):
    """Shown formatted; exported as the date and time itself (the exporter converts it to local time)."""

    def value(self, value):
        return value


class BaseTable(tables.Table):
    """A table whose columns are also its export columns.

    `sensitive_columns` names the columns holding personal data (identity documents, phones …).
    Their `value_*` methods call `reveals(record)`: a value is given in full only when the
    `reveal` callable the export passes in says so for that record, otherwise it is masked
    (qiao/core/masking.py). Without `reveal`, everything sensitive is masked.
    """

    sensitive_columns: tuple[str, ...] = ()

    def __init__(self, *args, reveal=None, **kwargs):
        self.reveal = reveal or _reveal_nothing
        self.masked_pks: set = set()  # records exported with their sensitive values masked
        cls = type(self)
        if not cls.__dict__.get("_headers_capitalised"):  # once per class: capfirst wraps lazily
            for column in cls.base_columns.values():
                if column.verbose_name:
                    column.verbose_name = capfirst(column.verbose_name)
            cls._headers_capitalised = True
        super().__init__(*args, **kwargs)

    def reveals(self, record) -> bool:
        """Whether the sensitive values of `record` are exported in full; remembers the masked ones."""
        if self.reveal(record):
            return True
        self.masked_pks.add(record.pk)
        return False

    class Meta:
        attrs = {"class": "table table-hover table-sm align-middle"}
        template_name = "django_tables2/qiao.html"  # bootstrap5-responsive, its rows made in Python
        empty_text = _("Nothing here yet.")


class TrashTable(BaseTable):
    """Deleted records of any soft-deletable model, each with a restore button."""

    name = tables.Column(verbose_name=_("name"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))
    deleted_at = DateTimeColumn(verbose_name=_("deleted at"), format="Y-m-d H:i")
    deleted_by = tables.Column(verbose_name=_("deleted by"))
    # accessor "pk": a column named "restore" would call the model's restore() while rendering
    restore_button = tables.TemplateColumn(
        '<form method="post" action="{% url view.restore_url_name record.pk %}">{% csrf_token %}'
        '<button class="btn btn-sm btn-outline-success" type="submit">{% load i18n %}{% trans "Restore" %}</button>'
        "</form>",
        accessor="pk",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )


class UnitTable(BaseTable):
    name = tables.TemplateColumn(
        '<span class="text-body-tertiary">{% for i in record.depth_range %}— {% endfor %}</span>'
        "<a href=\"{% url 'core:unit' record.pk %}\">{{ record.name }}</a>",
        verbose_name=_("name"),
        order_by=("path",),
    )
    kind = tables.Column(verbose_name=_("kind"))
    code = tables.Column(verbose_name=_("code"))

    class Meta(BaseTable.Meta):
        model = Unit
        fields = ("name", "kind", "code")


class UserTable(BaseTable):
    username = tables.LinkColumn("core:user", args=[tables.A("pk")], verbose_name=_("user name"))
    memberships = tables.TemplateColumn(
        '{% for m in record.memberships.all %}<span class="badge text-bg-light border">{{ m.unit }} · '
        "{{ m.get_role_display }}</span> {% endfor %}",
        verbose_name=_("memberships"),
        orderable=False,
    )

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "display_name", "email", "is_active", "last_login")


class MembershipTable(BaseTable):
    class Meta(BaseTable.Meta):
        model = Membership
        fields = ("user", "unit", "role")
