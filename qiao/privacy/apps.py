from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "qiao.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the transfer recording on shares
