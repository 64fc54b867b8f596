"""Background work of reminders, run by `qiao db_worker` (or `qiao reminders`, from cron or a timer)."""

from django_tasks import task

from . import scan


@task()
def scan_reminders() -> dict:
    """Find overdue and soon-due cases and tasks, notify each person once, send the e-mails."""
    return scan.scan()
