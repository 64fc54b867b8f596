from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "qiao.ledger"
    label = "ledger"
    verbose_name = _("Service ledger")

    def ready(self):
        from django.db.models.signals import post_migrate

        from qiao.core import lists

        from .models import ServiceKind

        lists.register("service-kinds", ServiceKind, _("Kinds of service"))
        post_migrate.connect(tally_triggers, sender=self, dispatch_uid="ledger.tally")


def tally_triggers(sender, using="default", **kwargs) -> None:
    """After every migrate: the database triggers that keep the case tally exact (tally.py)."""
    from . import tally

    tally.ensure_triggers(using)
