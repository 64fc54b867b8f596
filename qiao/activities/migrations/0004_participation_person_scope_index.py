"""A person's attended participations by date *with their unit*, so the first-timer test of
`services.figures()` ("did this person attend anything in scope before the period?") is answered
from the index alone, without reading the table: on ten million participations the scoped probe
read half a million heap pages per filter (bench/RESULTS.md, 2026-11-21, issue 4).

Created with SQL (no model state change): it serves one query of the services and replaces nothing
the model declares. CONCURRENTLY on PostgreSQL, so adding it does not lock the table for writes.
"""

from django.db import migrations

NAME = "participation_person_scope"
COLUMNS = "(person_id, status, date, unit_id)"


def create(apps, schema_editor):
    table = schema_editor.quote_name("activities_participation")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON {table} {COLUMNS}")
    else:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {table} {COLUMNS}")


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("activities", "0003_labels")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
