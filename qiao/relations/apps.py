from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "qiao.relations"
    label = "relations"
    verbose_name = _("Contacts and key contacts")
