from django import template

from ..history_display import describe

register = template.Library()


@register.filter
def described(change):
    """A history entry's rows: (field label, before, after), in the reader's language."""
    return describe(change)
