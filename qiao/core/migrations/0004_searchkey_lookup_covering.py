"""PostgreSQL: the key lookup index carries the object id (`INCLUDE (object_id)`), so linkage's
candidate search (`key = …` for thousands of keys per batch) reads the index only, not the
24-million-row table. Same name and key columns as before: the model state does not change, and
SQLite (which has no INCLUDE) keeps its index as it is."""

from django.db import migrations

COVERING = 'CREATE INDEX "searchkey_lookup" ON "core_searchkey" ("content_type_id", "key") INCLUDE ("object_id")'
PLAIN = 'CREATE INDEX "searchkey_lookup" ON "core_searchkey" ("content_type_id", "key")'


def _replace(create):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute('DROP INDEX IF EXISTS "searchkey_lookup"')
        schema_editor.execute(create)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_merge_and_review"),
    ]

    operations = [
        migrations.RunPython(_replace(COVERING), _replace(PLAIN), elidable=False),
    ]
