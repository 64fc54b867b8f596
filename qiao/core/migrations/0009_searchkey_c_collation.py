"""PostgreSQL: search keys compared byte by byte (COLLATE "C").

Keys are folded forms (lower-case Latin, pinyin, Jyutping, Han characters), never shown, so a linguistic order
means nothing for them; and only under "C" does PostgreSQL turn `key LIKE 'chan%'` into a range of the
(content type, key) index. Under the server's default collation (C.UTF-8 or a locale) it read every key of the
content type instead: one second for "chan" at 500,000 people, 60 ms after (bench/RESULTS.md, issue 10). The
model field is unchanged (SQLite compares keys by code point already, its BINARY collation); a later AlterField
of the column would need this again."""

from django.db import migrations


def to_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE core_searchkey ALTER COLUMN "key" TYPE varchar(120) COLLATE "C"')


def to_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE core_searchkey ALTER COLUMN "key" TYPE varchar(120) COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("core", "0008_actionlog_action_time")]

    operations = [migrations.RunPython(to_c, to_default, elidable=False)]
