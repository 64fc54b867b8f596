from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qiao.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import database, history, search  # noqa: F401  (connect signal handlers; database: fork hook)
