import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qiao.core.tables import BaseTable, DateTimeColumn

from .models import LoginEvent


class LoginEventTable(BaseTable):
    time = DateTimeColumn(verbose_name=_("time"), format="Y-m-d H:i:s")
    username = tables.TemplateColumn(
        "{% if record.user_id %}<a href=\"{% url 'core:user' record.user_id %}\">{{ record.username }}</a>"
        "{% else %}{{ record.username }}{% endif %}",
        verbose_name=_("user name typed"),
    )
    outcome = tables.Column(verbose_name=_("outcome"))
    ip_address = tables.Column(verbose_name=_("IP address"))
    user_agent = tables.Column(verbose_name=_("browser"), attrs={"td": {"class": "small text-break"}})

    def value_username(self, record):
        return record.username

    class Meta(BaseTable.Meta):
        model = LoginEvent
        fields = ("time", "username", "outcome", "ip_address", "user_agent")
