from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log page (访问日志): who viewed, revealed, exported, merged or erased personal data.
    It owns no model: it reads qiao.core's ActionLog."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "qiao.audit"
    verbose_name = _("Access log")
