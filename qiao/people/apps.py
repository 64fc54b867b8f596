from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "qiao.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from qiao.core import lists

        from .models import PersonRole

        lists.register("person-roles", PersonRole, _("Person roles"))
