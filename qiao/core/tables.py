import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Membership, Unit, User


class BaseTable(tables.Table):
    def __init__(self, *args, **kwargs):
        cls = type(self)
        if not cls.__dict__.get("_headers_capitalised"):  # once per class: capfirst wraps lazily
            for column in cls.base_columns.values():
                if column.verbose_name:
                    column.verbose_name = capfirst(column.verbose_name)
            cls._headers_capitalised = True
        super().__init__(*args, **kwargs)

    class Meta:
        attrs = {"class": "table table-hover table-sm align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        empty_text = _("Nothing here yet.")


class TrashTable(BaseTable):
    """Deleted records of any soft-deletable model, each with a restore button."""

    name = tables.Column(verbose_name=_("name"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))
    deleted_at = tables.DateTimeColumn(verbose_name=_("deleted at"), format="Y-m-d H:i")
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
