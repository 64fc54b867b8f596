from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "qiao.activities"
    label = "activities"
    verbose_name = _("Activities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from qiao.core import lists

        from .models import ActivityKind, TargetGroup

        lists.register("activity-kinds", ActivityKind, _("Kinds of activity"))
        lists.register("target-groups", TargetGroup, _("Target groups"))
