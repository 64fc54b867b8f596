"""The security panel of a user's page, for the administrators of that user:

{% include "security/_user_security.html" with target=object %}
"""

from django import template

from qiao.core.models import User

from .. import lockout, twofactor
from ..models import LoginEvent

register = template.Library()

SHOWN = 20


@register.simple_tag(takes_context=True)
def security_panel(context, target):
    """What the administrator reading `target`'s page may see and do; None for anybody else."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    if actor is None or not actor.is_authenticated or target is None:
        return None
    if not User.objects.restrict(actor, "manage").filter(pk=target.pk).exists():
        return None
    from ..views import may_reset_two_factor

    return {
        "has_two_factor": twofactor.has_two_factor(target),
        "required": twofactor.is_required(target),
        "may_reset": may_reset_two_factor(actor, target),
        "lock": lockout.state(target.get_username()),
        "events": LoginEvent.objects.filter(user=target)[:SHOWN],
        "shown": SHOWN,
    }
