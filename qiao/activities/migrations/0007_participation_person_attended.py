"""A person's attended participations with their day, unit and activity (a partial covering index):
`aggregates.refresh()` computes a person's first attendances from it alone. It replaces
`participation_person_scope` (0004), which served the per-person probe of the figures that the
stored first attendances replaced. CONCURRENTLY on PostgreSQL, so the table stays writable."""

from django.db import migrations, models

NAME = "participation_person_attended"
OLD = "participation_person_scope"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON activities_participation (person_id) "
            "INCLUDE (date, unit_id, activity_id) WHERE status = 'attended'"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD}")
    else:  # no INCLUDE: the same columns in the key
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON activities_participation (person_id, date, unit_id, activity_id) "
            "WHERE status = 'attended'"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {OLD} ON activities_participation (person_id, status, date, unit_id)"
    )
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("activities", "0006_participation_attended_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="participation",
                    index=models.Index(
                        condition=models.Q(("status", "attended")),
                        fields=["person"],
                        include=["date", "unit", "activity"],
                        name=NAME,
                    ),
                )
            ],
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
        )
    ]
