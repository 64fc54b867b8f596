"""Who is working on a batch right now: a lock held by the process that checks or writes it, released by the
operating system or the database server when that process ends, however it ends (even SIGKILL).

PostgreSQL: a session advisory lock (works across machines: web servers and workers on other hosts).
SQLite: an flock() on a file under var/locks/ (one machine, as SQLite is).
A batch left "checking" or "writing" whose lock nobody holds was abandoned by a process that died; see
services.recover_stale().
"""

from __future__ import annotations

import fcntl
import os
import zlib
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

NAMESPACE = zlib.crc32(b"qiao.imports.batch") & 0x7FFFFFFF


def _file(batch_id: int) -> Path:
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"import-{batch_id}.lock"


@contextmanager
def hold(batch_id: int):
    """Hold the batch's lock for the block (blocking only if another process holds it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, batch_id])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, batch_id])
        return
    descriptor = os.open(_file(batch_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def held(batch_id: int) -> bool:
    """Whether some process is working on the batch now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = %s AND objid = %s AND objsubid = 2",
                [NAMESPACE, batch_id],
            )
            return cursor.fetchone()[0] > 0
    path = _file(batch_id)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False
