"""Database connections in production (PostgreSQL): the statement timeout of the processes that serve
requests, a clear answer when it stops a request's query, and pools that survive a fork.

The timeout (settings.QIAO_DB_STATEMENT_TIMEOUT_MS) applies only to connections opened by a process
that serves requests (gunicorn, runserver): `StatementTimeoutMiddleware` turns it on when the request
handler loads it. Background workers and commands (`qiao db_worker`, `rqworker`, `synth`, `bulletin`,
`backup` …) never load the middleware, so their long queries run to the end.
"""

from __future__ import annotations

import contextvars
import logging
import os
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.signals import connection_created
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped by statement_timeout or a cancel


def apply_statement_timeout(sender, connection, **kwargs) -> None:
    """Set the session's statement_timeout on a new PostgreSQL connection (once per pooled connection)."""
    if connection.vendor != "postgresql":
        return
    milliseconds = int(getattr(settings, "QIAO_DB_STATEMENT_TIMEOUT_MS", 0) or 0)
    raw = connection.connection
    if milliseconds <= 0 or getattr(raw, "_qiao_statement_timeout", None) == milliseconds:
        return
    # On the driver's connection, not through Django's cursor: it is set up, not a query of the request.
    with raw.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {milliseconds}")
    raw._qiao_statement_timeout = milliseconds


def is_statement_timeout(error: BaseException) -> bool:
    """True for a query PostgreSQL stopped because it ran longer than statement_timeout."""
    cause = error.__cause__
    return isinstance(error, OperationalError) and getattr(cause, "sqlstate", None) == QUERY_CANCELED


class StatementTimeoutMiddleware:
    """Turns the statement timeout on for this process, and answers a request whose query it stopped
    with a clear 503 page (JSON under /api/) in the user's language instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response
        connection_created.connect(apply_statement_timeout, dispatch_uid="qiao-statement-timeout")

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_statement_timeout(exception):
            return None
        from .errors import _respond

        seconds = settings.QIAO_DB_STATEMENT_TIMEOUT_MS / 1000
        log.warning(
            "statement timeout (%g s) stopped %s %s for user %s",
            seconds,
            request.method,
            request.path,
            getattr(getattr(request, "user", None), "pk", None),
        )
        message = _(
            "The database took longer than %(seconds)g seconds to answer and the request was stopped. "
            "Nothing was changed. Narrow the search or the filters, or try again later."
        ) % {"seconds": seconds}
        response = _respond(request, 503, message)
        response["Retry-After"] = "30"
        return response


_inherited_pools: list = []  # kept, never closed or freed, so the parent's sessions are not ended


def _forget_inherited_pools() -> None:
    """In a forked child (the parallel import linker, RQ's work horse): a pool inherited from the parent
    holds the parent's sockets and no running threads. Set it aside (closing it would end the parent's
    sessions) so the child opens a pool of its own."""
    import sys

    base = sys.modules.get("django.db.backends.postgresql.base")
    if base is None or not base.DatabaseWrapper._connection_pools:
        return
    _inherited_pools.append(dict(base.DatabaseWrapper._connection_pools))
    base.DatabaseWrapper._connection_pools.clear()
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("pool"):
            connection.connection = None  # a pooled connection of the parent: not ours to use or close


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_pools)


def unique_without_include(app_label: str, model_name: str, *names: str):
    """A migration operation for databases without covering indexes (SQLite): create the model's named unique
    constraints without their INCLUDE columns.

    Django does not create a `UniqueConstraint(include=...)` at all where covering indexes are not supported: no
    uniqueness and, worse, no index, so every lookup by its fields reads the whole table (on SQLite the dashboard's
    first-timer figures took 5 s at 50,000 people). Plain `Index(include=...)` is created without the INCLUDE
    columns instead, which is what this does for the unique ones. On PostgreSQL it does nothing."""
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.features.supports_covering_indexes:
            return
        model = apps.get_model(app_label, model_name)
        for constraint in model._meta.constraints:
            if constraint.name in names:
                _path, args, kwargs = constraint.deconstruct()
                kwargs.pop("include", None)
                schema_editor.execute(type(constraint)(*args, **kwargs).create_sql(model, schema_editor))

    def backward(apps, schema_editor):
        if not schema_editor.connection.features.supports_covering_indexes:
            for name in names:
                schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(forward, backward, elidable=False)


PARALLEL_READS = 2  # connections one request may read on at once (side_by_side)


def side_by_side(functions: list, workers: int | None = None) -> list:
    """[f() for f in functions], up to `workers` at once, each in a thread with a connection of its own (from the
    pool): for one page's independent read-only figures, whose queries the database then runs on two processors
    instead of one after the other (the dashboard: bench/RESULTS.md, issue 8).

    One after the other, as written, where a thread would not see what this one sees or change nothing: on SQLite,
    and inside a transaction (the threads' connections would not see its uncommitted rows — the tests run in one).
    Each thread runs in a copy of the caller's context (who is acting) and language; an exception is raised here,
    after every function has finished."""
    workers = PARALLEL_READS if workers is None else workers
    connection = connections[DEFAULT_DB_ALIAS]
    if workers < 2 or len(functions) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [function() for function in functions]
    language = translation.get_language()

    def run(function):
        try:
            with translation.override(language):
                return function()
        finally:
            connections.close_all()  # this thread's connection goes back to the pool

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qiao-read") as pool:
        futures = [pool.submit(contextvars.copy_context().run, run, function) for function in functions]
    return [future.result() for future in futures]
