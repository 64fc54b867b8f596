from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "qiao.policies"
    label = "policies"
    verbose_name = _("Policies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from qiao.core import lists

        from .models import BenefitKind

        lists.register("benefit-kinds", BenefitKind, _("Kinds of benefit"))
