from django import template

register = template.Library()


@register.filter
def reason_text(value) -> str:
    """A stored reason (a dict from Match.reasons) in the active language."""
    from qiao.matching.engine import Reason

    if isinstance(value, dict):
        try:
            return str(Reason.from_dict(value))
        except Exception:  # noqa: BLE001 - an old or foreign reason must still show something
            return str(value.get("text") or value.get("code") or "")
    return str(value)
