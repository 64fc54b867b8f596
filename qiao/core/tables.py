import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Membership, Unit, User


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-hover table-sm align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"
        empty_text = _("Nothing here yet.")


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
