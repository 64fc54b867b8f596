"""Copies of each activity's day, unit, kind and trash state on its tallies, and the index that reads a
period's person-times by month, unit or kind from the tallies alone."""

import django.db.models.deletion
from django.db import migrations, models

FILL = {
    "postgresql": "UPDATE activities_activitytally t SET date = a.start_date, unit_id = a.unit_id, kind_id = a.kind_id, "
    "live = (a.deleted_at IS NULL) FROM activities_activity a WHERE a.id = t.activity_id",
    "sqlite": "UPDATE activities_activitytally SET date = a.start_date, unit_id = a.unit_id, kind_id = a.kind_id, "
    "live = (a.deleted_at IS NULL) FROM activities_activity a WHERE a.id = activities_activitytally.activity_id",
}


def fill(apps, schema_editor):
    """The copies of each tally's activity (as aggregates.rebuild() writes them)."""
    schema_editor.execute(FILL.get(schema_editor.connection.vendor, FILL["sqlite"]))


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0008_first_attendance_last"),
        ("core", "0005_user_amount_unit_user_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="activitytally",
            name="date",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="activitytally",
            name="kind",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="activities.activitykind",
            ),
        ),
        migrations.AddField(
            model_name="activitytally",
            name="live",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="activitytally",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.unit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="activitytally",
            index=models.Index(
                condition=models.Q(("live", True)),
                fields=["date"],
                include=("unit", "kind", "attended"),
                name="activity_tally_period",
            ),
        ),
    ]
