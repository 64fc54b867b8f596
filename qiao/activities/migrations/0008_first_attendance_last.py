"""Each person's last attended day on the ANY rows of the stored first attendances (per unit and for
the whole network), filled here from the participations already recorded, as `aggregates.rebuild()`
computes it; and the index that finds a scope's people who came on or after a day (the people of
this year so far, or of a running total, without reading participations)."""

from django.db import migrations, models

LAST = (
    "SELECT p.person_id AS person_id, {unit} AS unit_id, MAX(p.date) AS last FROM activities_participation p "
    "INNER JOIN activities_activity a ON a.id = p.activity_id "
    "WHERE p.status = 'attended' AND a.deleted_at IS NULL GROUP BY p.person_id{group}"
)


def fill(apps, schema_editor):
    per_unit = LAST.format(unit="p.unit_id", group=", p.unit_id")
    overall = LAST.format(unit="NULL", group="")
    schema_editor.execute(
        f"UPDATE activities_firstattendance SET last = m.last FROM ({per_unit}) m WHERE activities_firstattendance.facet = 0 "
        "AND activities_firstattendance.unit_id = m.unit_id AND activities_firstattendance.person_id = m.person_id"
    )
    schema_editor.execute(
        f"UPDATE activities_firstattendance SET last = m.last FROM ({overall}) m WHERE activities_firstattendance.facet = 0 "
        "AND activities_firstattendance.unit_id IS NULL AND activities_firstattendance.person_id = m.person_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0007_participation_person_attended"),
        ("core", "0005_user_amount_unit_user_time_zone"),
    ]

    operations = [
        migrations.AddField(model_name="firstattendance", name="last", field=models.DateField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="firstattendance",
            index=models.Index(
                condition=models.Q(("facet", 0)),
                fields=["unit", "last"],
                include=("person_id", "date", "region"),
                name="first_attendance_last",
            ),
        ),
    ]
