from django.db import migrations


def add_defaults(apps, schema_editor):
    from qiao.matching.defaults import ensure

    ensure(apps.get_model("matching", "Field"))


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
