"""PostgreSQL in production (qiao/settings.py, qiao/core/database.py): a pool of connections by default, never
beside persistent connections; a statement timeout on the connections of processes that serve requests, none on
those of workers and commands; and a request whose query the timeout stopped gets a clear 503 page (JSON under
/api/), not a server error. The database tests run on PostgreSQL only (CI's PostgreSQL suite)."""

import importlib

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.urls import include, path

import qiao.settings as qiao_settings
from qiao.core import database

PG = "postgres://qiao:secret@db.example:5432/qiao"

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's (run with DATABASE_URL=postgres://…)"
)


def slow(request):
    """Runs longer than any timeout the tests set, inside a transaction like Qiao's services."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(3)")
    return HttpResponse("done")


def failing(request):
    raise OperationalError("no such column: people_person.nickname")  # a bug, not a timeout nor an outage


urlpatterns = [
    path("slow/", slow),
    path("api/slow/", slow),
    path("broken/", failing),
    path("", include("qiao.urls")),
]
handler500 = "qiao.core.errors.server_error"


def reloaded(monkeypatch, **env):
    for name in ("DATABASE_URL", "QIAO_DB_POOL", "QIAO_DB_CONN_MAX_AGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        return importlib.reload(qiao_settings).DATABASES["default"]
    finally:
        monkeypatch.undo()
        importlib.reload(qiao_settings)


def test_postgresql_pools_connections_by_default(monkeypatch):
    """Guards the default: on PostgreSQL a pool (which Django refuses beside CONN_MAX_AGE), JIT off kept."""
    db = reloaded(monkeypatch, DATABASE_URL=PG)
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10.0}
    assert db["CONN_MAX_AGE"] == 0 and db["OPTIONS"]["options"] == "-c jit=off"


def test_persistent_connections_instead_of_the_pool(monkeypatch):
    """Guards the pgbouncer path: QIAO_DB_CONN_MAX_AGE alone (or QIAO_DB_POOL=0) keeps persistent connections."""
    db = reloaded(monkeypatch, DATABASE_URL=PG, QIAO_DB_CONN_MAX_AGE="120")
    assert "pool" not in db["OPTIONS"] and db["CONN_MAX_AGE"] == 120
    db = reloaded(monkeypatch, DATABASE_URL=PG, QIAO_DB_POOL="0")
    assert "pool" not in db["OPTIONS"] and db["CONN_MAX_AGE"] == 60


def test_pool_and_persistent_connections_together_are_refused(monkeypatch):
    """Guards against a configuration Django would refuse later, at the first query: refused at start, named."""
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="QIAO_DB_CONN_MAX_AGE"):
        reloaded(monkeypatch, DATABASE_URL=PG, QIAO_DB_POOL="1", QIAO_DB_CONN_MAX_AGE="60")


def test_sqlite_has_no_pool(monkeypatch):
    db = reloaded(monkeypatch)
    assert db["ENGINE"] == "django.db.backends.sqlite3" and "pool" not in db["OPTIONS"]


def new_connection():
    """A connection of its own to the test database, as a new process would open it."""
    fresh = connections.create_connection("default")
    fresh.ensure_connection()
    return fresh


def show_timeout(wrapper) -> str:
    with wrapper.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@needs_postgresql
@pytest.mark.django_db
def test_workers_have_no_timeout_and_web_processes_have_one(settings):
    """Guards which processes get the timeout: none until the request handler loads the middleware (a worker, a
    command); then every new connection has it, and a longer query is stopped."""
    settings.QIAO_DB_STATEMENT_TIMEOUT_MS = 300
    connection_created.disconnect(dispatch_uid="qiao-statement-timeout")
    worker = new_connection()
    try:
        assert show_timeout(worker) == "0"
    finally:
        worker.close()
    database.StatementTimeoutMiddleware(lambda request: None)  # what gunicorn's handler does at start
    web = new_connection()
    try:
        assert show_timeout(web) == "300ms"
        with pytest.raises(OperationalError) as stopped, web.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")
        assert database.is_statement_timeout(stopped.value)
    finally:
        web.close()


@needs_postgresql
@pytest.mark.django_db
def test_a_stopped_query_gives_a_clear_page(client, settings, network, make_user):
    """Guards the answer to a stopped query: 503 with a message naming the limit, in the page and in the API; other
    database errors (a bug in a query) stay server errors."""
    settings.ROOT_URLCONF = __name__
    settings.QIAO_DB_STATEMENT_TIMEOUT_MS = 200
    client.raise_request_exception = False
    client.force_login(make_user("staff-a", network["a"], "staff"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 200")  # this test's transaction stands for a new connection
    response = client.get("/slow/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "longer than 0.2 seconds" in page and "Nothing was changed" in page and "Traceback" not in page
    response = client.get("/api/slow/")
    assert response.status_code == 503 and "longer than 0.2 seconds" in response.json()["detail"]
    assert client.get("/broken/").status_code == 500


def test_only_a_cancelled_query_counts_as_a_timeout():
    """Guards is_statement_timeout against swallowing other database errors."""

    class Cancelled(Exception):
        sqlstate = database.QUERY_CANCELED

    class Deadlock(Exception):
        sqlstate = "40P01"

    def wrapped(cause):
        error = OperationalError("x")
        error.__cause__ = cause
        return error

    assert database.is_statement_timeout(wrapped(Cancelled()))
    assert not database.is_statement_timeout(wrapped(Deadlock()))
    assert not database.is_statement_timeout(ValueError("x"))
