"""Search keys keep two indexes: (content type, key) and (content type, object).

Every read of the table names the content type (bench/RESULTS.md, issue 3), and since 0009 a prefix is a range of
(content type, key) on PostgreSQL too, so the index on the key alone (`text_pattern_ops`, for `LIKE` under a
linguistic collation) and the foreign key's own index on the content type served nothing, while every key written
(about twenty-five per new person) updated them. Only the index goes from the foreign key: the constraint stays
(AlterField would drop and add it again, checking every key, and rebuild the whole table on SQLite)."""

import django.db.models.deletion
from django.db import migrations, models


def _content_type_indexes(schema_editor) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "core_searchkey")
    return [
        name
        for name, info in found.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == ["content_type_id"]
    ]


def drop_content_type_index(apps, schema_editor):
    for name in _content_type_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_content_type_index(apps, schema_editor):
    if not _content_type_indexes(schema_editor):
        schema_editor.execute(
            'CREATE INDEX "core_searchkey_content_type_id_cbf21d28" ON "core_searchkey" ("content_type_id")'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0009_searchkey_c_collation"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="searchkey", name="searchkey_key_prefix"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchkey",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_content_type_index, create_content_type_index, elidable=False),
            ],
        ),
    ]
