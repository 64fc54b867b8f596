from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "qiao.ledger"
    label = "ledger"
    verbose_name = _("Service ledger")

    def ready(self):
        from qiao.core import lists

        from .models import ServiceKind

        lists.register("service-kinds", ServiceKind, _("Kinds of service"))
