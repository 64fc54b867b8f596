"""The kinds of activity and target groups the offices start with; they can edit them afterwards."""

from django.db import migrations


def add(apps, schema_editor):
    from qiao.activities.defaults import ensure

    ensure(apps.get_model("activities", "ActivityKind"), apps.get_model("activities", "TargetGroup"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
