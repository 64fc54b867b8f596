"""Background tasks on Redis: Qiao's real tasks queued through django-tasks-rq and run by a real RQ worker
(`qiao rqworker --burst`, django-rq), against the Redis server on 127.0.0.1:6379 (database 15, or 14 for the
PostgreSQL suite; flushed).

Skipped with the reason when django-tasks-rq is not installed (`pip install -e '.[rq]'`) or no Redis answers;
with QIAO_REQUIRE_REDIS=1 (CI, .ci/run) they fail instead of skipping."""

import datetime
import os

import pytest
from django.core.management import call_command

# One Redis database per database vendor: CI runs the SQLite and the PostgreSQL suites at the same time.
REDIS_URL = os.environ.get("QIAO_TEST_REDIS_URL") or "redis://127.0.0.1:6379/{number}"
JOB_CLASS = "django_tasks_rq.backend.Job"  # runs a django-tasks Task; the systemd unit passes it too


def redis_url() -> str:
    from django.db import connection

    return REDIS_URL.format(number=15 if connection.vendor == "sqlite" else 14)


def _redis_or_reason():
    try:
        import django_tasks_rq  # noqa: F401
        import redis
    except ImportError as error:
        return None, f"django-tasks-rq is not installed (pip install -e '.[rq]'): {error}"
    try:
        client = redis.Redis.from_url(redis_url(), socket_connect_timeout=2)
        client.ping()
    except Exception as error:  # no server, refused, wrong password: all mean "cannot test here"
        return None, f"no Redis answers at {redis_url()}: {error}"
    return client, ""


@pytest.fixture
def redis_db():
    client, reason = _redis_or_reason()
    if client is None:
        if os.environ.get("QIAO_REQUIRE_REDIS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def rq_tasks(settings, redis_db):
    """The settings `QIAO_TASKS_BACKEND=django_tasks_rq.RQBackend` gives (qiao/settings.py), on the test database
    of Redis."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url(), "DEFAULT_TIMEOUT": 600}}
    return redis_db


def run_worker():
    """What `qiao rqworker default --job-class django_tasks_rq.backend.Job` does in production, in burst mode (stop
    when the queue is empty) and without forking (the job must see this test's database)."""
    options = ["--burst", "--worker-class", "rq.worker.SimpleWorker", "--job-class", JOB_CLASS]
    call_command("rqworker", "default", *options, verbosity=0)


def queued_jobs() -> int:
    import django_rq

    return django_rq.get_queue("default").count


def empty_queue() -> None:
    """Drop what the fixtures queued: writing the default taxonomy queues rebuilds of the matching index when this
    machine keeps one under var/ (qiao/matching/signals.py); they are not the subject here, and must not rewrite it."""
    import django_rq

    django_rq.get_queue("default").empty()


def test_the_settings_switch_to_rq(monkeypatch):
    """Guards the configuration: the env variable alone puts tasks on Redis and installs django-rq (for rqworker)."""
    import importlib

    import qiao.settings as qiao_settings

    monkeypatch.setenv("QIAO_TASKS_BACKEND", "django_tasks_rq.RQBackend")
    monkeypatch.setenv("QIAO_REDIS_URL", "redis://redis.example:6379/3")
    try:
        fresh = importlib.reload(qiao_settings)
        assert fresh.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
        assert "django_rq" in fresh.INSTALLED_APPS
        assert fresh.RQ_QUEUES["default"]["URL"] == "redis://redis.example:6379/3"
    finally:
        monkeypatch.delenv("QIAO_TASKS_BACKEND")
        importlib.reload(qiao_settings)
    assert "django_rq" not in qiao_settings.INSTALLED_APPS  # the default stays the database backend


@pytest.mark.django_db(transaction=True)
def test_duplicate_scan_runs_in_the_rq_worker(rq_tasks, client, network, make_user, make_person):
    """Guards the RQ path end to end: the scan started from the page is queued in Redis (nothing found before a
    worker runs), and the worker runs Qiao's task, which queues the pair and returns how many it queued."""
    from django_tasks import default_task_backend

    from qiao.core.models import ActionLog
    from qiao.people.models import DuplicateCandidate

    staff = make_user("staff-a", network["a"], "staff")
    first = make_person(network["a"], "陳大文", birth_date=datetime.date(1990, 5, 4))
    second = make_person(network["a"], "陈大文", birth_date=datetime.date(1990, 5, 4))
    client.force_login(staff)
    empty_queue()
    assert client.post("/people/duplicates/scan/").status_code == 302
    assert queued_jobs() == 1 and not DuplicateCandidate.objects.exists()  # queued, not run in the request

    run_worker()

    assert queued_jobs() == 0
    assert [{p.person_id, p.other_id} for p in DuplicateCandidate.objects.all()] == [{first.pk, second.pk}]
    assert ActionLog.objects.get(action="qiao.duplicates.scanned").data["queued"] == 1
    job_id = rq_tasks.keys("rq:job:*")[0].decode().removeprefix("rq:job:")
    result = default_task_backend.get_result(job_id)
    assert result.status == "SUCCESSFUL" and result.return_value == 1


@pytest.mark.django_db(transaction=True)
def test_a_large_import_is_checked_and_written_by_the_rq_worker(rq_tasks, client, network, make_user, settings):
    """Guards imports on RQ: a file above QIAO_IMPORT_INLINE_ROWS waits in Redis until the worker checks it, and
    again until the worker writes it."""
    from qiao.imports.models import BatchStatus, ImportBatch
    from qiao.people.models import Person
    from tests.test_import_web import GOOD, mapping_form, upload, xlsx

    settings.QIAO_IMPORT_INLINE_ROWS = 1
    client.force_login(make_user("staff-a", network["a"], "staff"))
    empty_queue()
    upload(client, network["a"], xlsx(GOOD))
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKING
    assert queued_jobs() == 1
    run_worker()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED and batch.counts["new"] == 2
    client.post(f"/imports/{batch.pk}/commit/", {})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTING and Person.objects.count() == 0
    run_worker()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and Person.objects.count() == 2
