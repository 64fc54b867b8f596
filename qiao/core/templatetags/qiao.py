from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def field_label(name: str, change) -> str:
    """The translated label of a field named in a history entry."""
    model = change.content_type.model_class()
    if model is None:
        return name
    lookup = name[:-3] if name.endswith("_id") else name
    try:
        field = model._meta.get_field(lookup)
    except FieldDoesNotExist:
        return name
    if field.is_relation and field.auto_created:  # a reverse relation such as a person's documents
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


@register.filter
def history_value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "；".join(history_value(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v not in (None, ""))
    return str(value)
