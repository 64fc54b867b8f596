from django.db import migrations


def add_defaults(apps, schema_editor):
    from qiao.ledger.defaults import ensure

    ensure(apps.get_model("ledger", "ServiceKind"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
