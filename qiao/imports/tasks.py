"""Background work of imports, run by `qiao db_worker`."""

from django_tasks import task

from . import services


@task()
def check_batch(batch_id: int) -> None:
    services.run_check(batch_id)


@task()
def commit_batch(batch_id: int) -> None:
    services.run_commit(batch_id)
