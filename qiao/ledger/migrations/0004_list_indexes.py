# Indexes for the ledger's lists and the manager's ledger at scale (a million cases, five million tasks):
# partial indexes on the records not in the trash, so that counts read the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_default_service_kinds"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)), fields=["raised_on", "id"], name="case_live_raised"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["status", "unit", "owner", "due_date", "raised_on", "id"],
                name="case_live_status",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["category", "status", "unit", "due_date"],
                name="case_live_category",
            ),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(condition=models.Q(("done", False)), fields=["due_date", "case"], name="casetask_undone_due"),
        ),
        migrations.AddIndex(
            model_name="servicerecord",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)), fields=["on", "id"], name="service_live_on"
            ),
        ),
    ]
