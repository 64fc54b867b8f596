"""Each person's first and last attended day per subtree of the network (a unit and everything below it): ANY rows
with `value` 1 (qiao.activities.aggregates, SUBTREE), made from the per-unit rows already stored."""

from django.db import migrations


def forward(apps, schema_editor):
    from qiao.activities import aggregates

    aggregates.rebuild_subtrees()


def backward(apps, schema_editor):
    schema_editor.execute("DELETE FROM activities_firstattendance WHERE facet = 0 AND value = 1")


class Migration(migrations.Migration):
    dependencies = [("activities", "0011_sqlite_unique_indexes"), ("core", "0009_searchkey_c_collation")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
