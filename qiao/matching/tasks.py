"""Background work of matching, run by `qiao db_worker`."""

from django_tasks import task

from . import index


@task()
def rebuild_index() -> None:
    """Build the matching index from the database, save it, and drop the changes it includes."""
    index.rebuild()
