"""Amounts of money in templates, in the reader's unit (see qiao/core/amounts.py for the format).

{% load amounts %}
{% amount project.planned_amount %}          → 139.1亿元 for a reader who chose 亿元
{% amount total "yuan" %}                    → 12,000,000元, whatever the reader chose
{{ project.landed_amount|amount:"wan" }}     → 1,234.57万元 (the filter needs the unit)
{% amount_unit_label %}                      → 亿元 / × 100M yuan: the reader's unit, for headers
"""

from django import template

from ..amounts import DEFAULT_UNIT, display_amount, unit_label, user_unit

register = template.Library()


def _reader_unit(context) -> str:
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    return user_unit(user)


@register.simple_tag(takes_context=True)
def amount(context, value, unit=None):
    """The amount in `unit`, or in the reader's preferred unit when none is given."""
    return display_amount(value, unit or _reader_unit(context))


@register.filter(name="amount")
def amount_filter(value, unit=DEFAULT_UNIT):
    return display_amount(value, unit or DEFAULT_UNIT)


@register.simple_tag(takes_context=True)
def amount_unit_label(context, unit=None):
    return unit_label(unit or _reader_unit(context))
