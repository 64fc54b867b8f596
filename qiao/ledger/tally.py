"""Stored counts of the live cases (not in the trash) by unit and status, kept exact by the database.

    CaseTally(unit, status, n)   how many live cases the unit owns in that status

The unfiltered totals of the case list and the manager's ledger sum a few of these rows instead of
counting a million cases (`counts()`). Database triggers on the cases table keep them exact however
cases are written (the services, bulk loads with COPY, deletes and restores, raw SQL): an insert adds
one to its row, a delete takes one off, an update of the unit, the status or the trash state moves
one from the old row to the new (`TRIGGER_SQL`, PostgreSQL and SQLite, UPSERT with ON CONFLICT).
Created by migration ledger 0006 and put back after any migrate that lost them (SQLite drops a
table's triggers when a migration rebuilds it; apps.py). `rebuild()` counts again from the cases
(`qiao ledger_tally --rebuild`; `qiao synth` after a bulk load that skipped triggers) and
`differences()` compares the table with a fresh count (`qiao ledger_tally --check`, the tests).

Concurrency (PostgreSQL): a writer holds the lock of the tally rows it changed until it commits, so
two writers of cases of one unit and status take turns on that row; an update that moves a case
changes its two rows in one order (by unit, then status) so that two such moves cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, connections, transaction
from django.db.models import Sum

from .models import CaseStatus, CaseTally

TABLE = "ledger_casetally"
CASES = "ledger_case"
TRIGGER = "ledger_case_tally"

_ADD = (
    f"INSERT INTO {TABLE} (unit_id, status, n) VALUES (NEW.unit_id, NEW.status, 1) "
    "ON CONFLICT (unit_id, status) DO UPDATE SET n = {table}.n + 1;"
).replace("{table}", TABLE)
_TAKE = f"UPDATE {TABLE} SET n = n - 1 WHERE unit_id = OLD.unit_id AND status = OLD.status;"
_MOVED = (  # the update moved a case to another row (unit, status, in or out of the trash)
    "OLD.unit_id {ne} NEW.unit_id OR OLD.status {ne} NEW.status OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)"
)

TRIGGER_SQL = {
    "postgresql": [
        f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_ADD} "
        f"ELSIF TG_OP = 'DELETE' THEN {_TAKE} "
        "ELSIF (NEW.unit_id, NEW.status) < (OLD.unit_id, OLD.status) THEN "
        f"IF NEW.deleted_at IS NULL THEN {_ADD} END IF; IF OLD.deleted_at IS NULL THEN {_TAKE} END IF; "
        f"ELSE IF OLD.deleted_at IS NULL THEN {_TAKE} END IF; IF NEW.deleted_at IS NULL THEN {_ADD} END IF; "
        "END IF; RETURN NULL; END $$",
        f"CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {CASES} FOR EACH ROW "
        f"WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION {TRIGGER}()",
        f"CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON {CASES} FOR EACH ROW "
        f"WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION {TRIGGER}()",
        f"CREATE TRIGGER {TRIGGER}_update AFTER UPDATE OF unit_id, status, deleted_at ON {CASES} FOR EACH ROW "
        f"WHEN ({_MOVED.format(ne='IS DISTINCT FROM')}) EXECUTE FUNCTION {TRIGGER}()",
    ],
    "sqlite": [
        f"CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {CASES} FOR EACH ROW "
        f"WHEN NEW.deleted_at IS NULL BEGIN {_ADD} END",
        f"CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON {CASES} FOR EACH ROW "
        f"WHEN OLD.deleted_at IS NULL BEGIN {_TAKE} END",
        f"CREATE TRIGGER {TRIGGER}_update AFTER UPDATE OF unit_id, status, deleted_at ON {CASES} FOR EACH ROW "
        f"WHEN {_MOVED.format(ne='IS NOT')} BEGIN "
        f"UPDATE {TABLE} SET n = n - 1 WHERE OLD.deleted_at IS NULL AND unit_id = OLD.unit_id AND status = OLD.status; "
        f"INSERT INTO {TABLE} (unit_id, status, n) SELECT NEW.unit_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL "
        f"ON CONFLICT (unit_id, status) DO UPDATE SET n = n + 1; END",
    ],
}
DROP_TRIGGER_SQL = {
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS {TRIGGER}_{op} ON {CASES}" for op in ("insert", "delete", "update")),
        f"DROP FUNCTION IF EXISTS {TRIGGER}()",
    ],
    "sqlite": [f"DROP TRIGGER IF EXISTS {TRIGGER}_{op}" for op in ("insert", "delete", "update")],
}
COUNTED = f"SELECT unit_id, status, COUNT(*) FROM {CASES} WHERE deleted_at IS NULL GROUP BY unit_id, status"
REBUILD_SQL = [f"DELETE FROM {TABLE}", f"INSERT INTO {TABLE} (unit_id, status, n) {COUNTED}"]


def install(db) -> None:
    """Create the triggers (a connection or a schema editor's) and count the cases from scratch."""
    for sql in TRIGGER_SQL.get(db.vendor, []):
        with db.cursor() as cursor:
            cursor.execute(sql)
    _rebuild(db)


def uninstall(db) -> None:
    for sql in DROP_TRIGGER_SQL.get(db.vendor, []):
        with db.cursor() as cursor:
            cursor.execute(sql)


def _present(db) -> int:
    """How many of the three triggers the cases table has."""
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal", [f"{TRIGGER}\\_%"]
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"]
            )
        return cursor.fetchone()[0]


def ensure_triggers(using: str = "default") -> bool:
    """Put the triggers back when any is missing (SQLite drops them when a migration rebuilds the
    cases table) and count again (writes made meanwhile were not counted). Returns whether they were
    missing. Called after every `migrate` (apps.py)."""
    db = connections[using]
    if db.vendor not in TRIGGER_SQL:
        return False
    tables = db.introspection.table_names()
    if TABLE not in tables or CASES not in tables or _present(db) == 3:
        return False
    with transaction.atomic(using=using):
        uninstall(db)
        install(db)
    return True


def _rebuild(db) -> None:
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {CASES} IN SHARE MODE")  # no writer between the count and the triggers
        for sql in REBUILD_SQL:
            cursor.execute(sql)


def rebuild() -> int:
    """Count every unit's live cases by status again. Returns the rows written."""
    with transaction.atomic():
        _rebuild(connection)
    return CaseTally.objects.count()


def differences(limit: int = 20) -> list[str]:
    """Where the stored counts differ from a fresh count of the cases (empty: exact), at most `limit`
    each way; rows of zero count as absent."""
    stored = f"SELECT unit_id, status, n FROM {TABLE} WHERE n <> 0"
    found = []
    with connection.cursor() as cursor:
        for side, sql in (
            ("stored, not counted", f"{stored} EXCEPT {COUNTED}"),
            ("counted, not stored", f"{COUNTED} EXCEPT {stored}"),
        ):
            cursor.execute(f"SELECT * FROM ({sql}) d LIMIT {int(limit)}")
            found += [f"case tally (unit, status, n) {side}: {row}" for row in cursor.fetchall()]
    return sorted(found)


def counts(units: Iterable[int] | None = None, statuses: Iterable[str] | None = None) -> dict[str, int]:
    """How many live cases these units own (every unit: None), by status (all, or these)."""
    rows = CaseTally.objects.all()
    if units is not None:
        rows = rows.filter(unit_id__in=sorted(set(units)))
    if statuses is not None:
        rows = rows.filter(status__in=sorted(set(statuses)))
    found = dict.fromkeys(CaseStatus.values if statuses is None else statuses, 0)
    found.update(rows.order_by().values_list("status").annotate(total=Sum("n")))
    return found
