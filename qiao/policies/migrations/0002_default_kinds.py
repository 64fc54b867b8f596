from django.db import migrations


def add_defaults(apps, schema_editor):
    from qiao.policies.defaults import ensure

    ensure(apps.get_model("policies", "BenefitKind"))


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
