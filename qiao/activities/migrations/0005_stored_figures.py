"""Stored aggregates behind the activity figures (qiao/activities/aggregates.py): each activity's
tallies by role, and each person's first attended day (with their region) per unit, in the whole
network, and (for the whole network) per kind, target group, programme and year. Filled here from
the participations already recorded, in plain SQL (PostgreSQL and SQLite), as `aggregates.rebuild()`
does; and the trigger on the people table that keeps the copied regions equal to the people's."""

import django.db.models.deletion
from django.db import migrations, models

TALLIES = """
INSERT INTO activities_activitytally (activity_id, role, registered, attended, declared_first)
SELECT activity_id, role,
       SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'attended' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'attended' AND first_visit_declared THEN 1 ELSE 0 END)
FROM activities_participation GROUP BY activity_id, role
"""
LIVE = (
    "FROM activities_participation p INNER JOIN activities_activity a ON a.id = p.activity_id "
    "INNER JOIN people_person r ON r.id = p.person_id {join} "
    "WHERE p.status = 'attended' AND a.deleted_at IS NULL"
)
INSERT = "INSERT INTO activities_firstattendance (person_id, unit_id, facet, value, region, date) "
# (unit, facet, value, extra join) of each kind of row: ANY per unit and overall; KIND, GROUP, PROGRAMME, YEAR
ROWS = [
    ("p.unit_id", "0", "0", ""),
    ("NULL", "0", "0", ""),
    ("NULL", "1", "a.kind_id", ""),
    ("NULL", "2", "g.targetgroup_id", "INNER JOIN activities_activity_target_groups g ON g.activity_id = a.id"),
    ("NULL", "3", "a.programme_id", ""),
    ("NULL", "4", "{year}", ""),
]
YEAR = {"postgresql": "CAST(EXTRACT(YEAR FROM p.date) AS integer)", "sqlite": "CAST(substr(p.date, 1, 4) AS integer)"}


# the stored regions follow the people's, however people are written (as aggregates.TRIGGER_SQL)
NAME = "activities_first_attendance_region"
UPDATE_REGION = (
    "UPDATE activities_firstattendance SET region = NEW.region WHERE person_id = NEW.id AND unit_id IS NULL; "
    "UPDATE activities_firstattendance SET region = NEW.region WHERE person_id = NEW.id AND unit_id IS NOT NULL;"
)
TRIGGER = {
    "postgresql": [
        f"CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {UPDATE_REGION} RETURN NULL; END $$",
        f"CREATE TRIGGER {NAME} AFTER UPDATE OF region ON people_person FOR EACH ROW "
        f"WHEN (OLD.region IS DISTINCT FROM NEW.region) EXECUTE FUNCTION {NAME}()",
    ],
    "sqlite": [
        f"CREATE TRIGGER {NAME} AFTER UPDATE OF region ON people_person FOR EACH ROW "
        f"WHEN OLD.region IS NOT NEW.region BEGIN {UPDATE_REGION} END",
    ],
}
DROP_TRIGGER = {
    "postgresql": [f"DROP TRIGGER IF EXISTS {NAME} ON people_person", f"DROP FUNCTION IF EXISTS {NAME}()"],
    "sqlite": [f"DROP TRIGGER IF EXISTS {NAME}"],
}


def fill(apps, schema_editor):
    schema_editor.execute(TALLIES)
    year = YEAR.get(schema_editor.connection.vendor, "EXTRACT(YEAR FROM p.date)")
    for unit, facet, value, join in ROWS:
        value = value.format(year=year)
        keys = ", ".join(["p.person_id", "r.region", *(e for e in (unit, value) if e not in ("NULL", "0"))])
        sql = f"{INSERT} SELECT p.person_id, {unit}, {facet}, {value}, r.region, MIN(p.date) {LIVE.format(join=join)}"
        if value != "0":
            sql += f" AND {value} IS NOT NULL"
        schema_editor.execute(f"{sql} GROUP BY {keys}")
    for sql in TRIGGER.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys' checks, before the indexes


def drop_trigger(apps, schema_editor):
    for sql in DROP_TRIGGER.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_participation_person_scope_index")]

    operations = [
        migrations.CreateModel(
            name="ActivityTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(max_length=20)),
                ("registered", models.PositiveIntegerField(default=0)),
                ("attended", models.PositiveIntegerField(default=0)),
                ("declared_first", models.PositiveIntegerField(default=0)),
                (
                    "activity",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="activities.activity",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("activity", "role"),
                        include=("registered", "attended", "declared_first"),
                        name="activity_tally_once",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FirstAttendance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("person_id", models.BigIntegerField()),
                (
                    "unit",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.unit"
                    ),
                ),
                (
                    "facet",
                    models.PositiveSmallIntegerField(
                        choices=[(0, "any"), (1, "kind"), (2, "target group"), (3, "programme"), (4, "year")],
                        default=0,
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
                ("date", models.DateField()),
                ("region", models.CharField(blank=True, max_length=10)),
            ],
        ),
        # filled before the indexes are built: one sort each instead of millions of index inserts
        migrations.RunPython(fill, drop_trigger, elidable=False),
        migrations.AddIndex(
            model_name="firstattendance",
            index=models.Index(
                fields=["facet", "value", "unit", "date", "person_id"],
                include=["region"],
                name="first_attendance_scope",
            ),
        ),
        migrations.AddConstraint(
            model_name="firstattendance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", False)),
                fields=("person_id", "unit", "facet", "value"),
                include=("date", "region"),
                name="first_attendance_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="firstattendance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", True)),
                fields=("person_id", "facet", "value"),
                include=("date", "region"),
                name="first_attendance_once_overall",
            ),
        ),
    ]
