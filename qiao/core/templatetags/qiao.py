from django import template

from ..history_display import describe

register = template.Library()


@register.filter
def described(change):
    """A history entry's rows: (field label, before, after), in the reader's language."""
    return describe(change)


@register.filter
def change_url(change) -> str:
    """The page of the record a history entry is about, when it has one."""
    model = change.content_type.model_class()
    try:
        return model(pk=change.object_id).get_absolute_url()
    except Exception:  # noqa: BLE001 - records whose URL needs more than their id get no link
        return ""
