"""Background work of the registry, run by `qiao db_worker`."""

from django.core.cache import cache
from django_tasks import task

from qiao.core.context import acting
from qiao.core.models import ActionLog, User

from . import merging
from .models import Person


def scan_key(user_id: int) -> str:
    return f"qiao:duplicate-scan:{user_id}"


@task()
def scan_duplicates(user_id: int) -> int:
    """Compare the people `user` may change with each other and queue the likely duplicates."""
    user = User.objects.get(pk=user_id)
    people = Person.objects.restrict(user, "change")
    last = people.order_by("-pk").values_list("pk", flat=True).first() or 0
    key = scan_key(user_id)

    def progress(done_up_to: int) -> None:
        cache.set(key, {"running": True, "done": done_up_to, "last": last}, 3600)

    progress(0)
    try:
        with acting(user=user, source="task"):
            queued = merging.scan(people, progress=progress)
            ActionLog.record("qiao.duplicates.scanned", None, queued=queued, people=people.count())
    finally:
        cache.delete(key)
    return queued
