"""The attended participations by activity with their person (a partial index): `figures()` reads
who came to a set of activities from it alone, without the table. CONCURRENTLY on PostgreSQL, so
adding it to a table of ten million rows does not stop writes; the model state declares it."""

from django.db import migrations, models

NAME = "participation_attended"
SQL = "CREATE INDEX {how}{name} ON activities_participation (activity_id, person_id) WHERE status = 'attended'"


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(SQL.format(how="CONCURRENTLY IF NOT EXISTS " if postgres else "IF NOT EXISTS ", name=NAME))


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("activities", "0005_stored_figures")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="participation",
                    index=models.Index(
                        condition=models.Q(("status", "attended")), fields=["activity", "person"], name=NAME
                    ),
                )
            ],
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
        )
    ]
