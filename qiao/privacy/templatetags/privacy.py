"""The person page's panel of rights: {% load privacy %}{% privacy_of object as privacy %}"""

from django import template

from qiao.core import scoping

from .. import services
from ..models import ErasureRecord, Transfer

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_of(context, person) -> dict:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if person is None or user is None or not user.is_authenticated:
        return {}
    if not services.people_for(user, "view").filter(pk=person.pk).exists():
        return {}
    manage = services.may_manage(user, person)
    return {
        "consents": list(services.consents_of(person)),
        "transfers": list(Transfer.objects.filter(person=person).select_related("to_unit")[:20]),
        "can_change": services.people_for(user, "change").filter(pk=person.pk).exists(),
        "can_manage": manage,
        "can_register": manage or scoping.may(user, "delete", person.unit_id),
        "erasure": ErasureRecord.objects.filter(person_id=person.pk).first(),
    }
