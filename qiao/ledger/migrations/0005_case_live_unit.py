# The counts of one base's cases (its subtree) read from an index that starts with the unit.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["unit", "status", "due_date", "category"],
                name="case_live_unit",
            ),
        ),
    ]
