"""PostgreSQL: the birth-date index carries what linkage reads of the people born on a row's date
(id, names, and `deleted_at` for the visibility filter), so that read is an index-only scan
instead of a visit to most of the table's pages. Same name and key column: the model state does
not change, and SQLite (which has no INCLUDE) keeps its index as it is."""

from django.db import migrations

COVERING = (
    'CREATE INDEX "person_birth_date" ON "people_person" ("birth_date") '
    'INCLUDE ("id", "name", "name_latin", "deleted_at")'
)
PLAIN = 'CREATE INDEX "person_birth_date" ON "people_person" ("birth_date")'


def _replace(create):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute('DROP INDEX IF EXISTS "person_birth_date"')
        schema_editor.execute(create)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_person_birth_date_index"),
    ]

    operations = [
        migrations.RunPython(_replace(COVERING), _replace(PLAIN), elidable=False),
    ]
