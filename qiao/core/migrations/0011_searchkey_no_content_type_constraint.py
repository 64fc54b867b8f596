"""Search keys: no database constraint on the content type (PostgreSQL).

Keys are derived data (`qiao rebuild_search_keys` writes them all again) and `object_id` has no constraint either,
while the constraint, deferred to the end of each transaction, made PostgreSQL look up the content type of every key
written: some 80,000 checks for an import of 10,000 rows (bench/RESULTS.md, issue 3). SQLite keeps its constraint,
which is part of its table's definition (dropping it would copy the whole table) and cheap there."""

import django.db.models.deletion
from django.db import migrations, models


def _constraints(schema_editor) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "core_searchkey")
    return [name for name, info in found.items() if info["foreign_key"] and info["columns"] == ["content_type_id"]]


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in _constraints(schema_editor):
            schema_editor.execute(f"ALTER TABLE core_searchkey DROP CONSTRAINT {schema_editor.quote_name(name)}")


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and not _constraints(schema_editor):
        schema_editor.execute(
            'ALTER TABLE core_searchkey ADD CONSTRAINT "core_searchkey_content_type_id_cbf21d28_fk_django_co" '
            'FOREIGN KEY ("content_type_id") REFERENCES "django_content_type" ("id") DEFERRABLE INITIALLY DEFERRED'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0010_searchkey_two_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchkey",
                    name="content_type",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_constraint, add_constraint, elidable=False)],
        ),
    ]
