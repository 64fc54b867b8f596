"""Every unique constraint of the models exists in the database, also where Django would skip it: on SQLite it
does not create a UniqueConstraint with INCLUDE columns at all (qiao.core.database.unique_without_include), which
left the dashboard's first-timer figures reading whole tables (5 s at 50,000 people; issue 10)."""

import pytest
from django.apps import apps
from django.db import connection, models


def unique_constraints():
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                yield model, constraint


@pytest.mark.django_db
def test_every_unique_constraint_exists():
    with connection.cursor() as cursor:
        missing = [
            f"{model._meta.label}.{constraint.name}"
            for model, constraint in unique_constraints()
            if constraint.name not in connection.introspection.get_constraints(cursor, model._meta.db_table)
        ]
    assert missing == []


@pytest.mark.django_db
def test_a_persons_first_attendance_is_found_by_index():
    """SQLite: the lookup the dashboard makes per attendee reads an index on the person, not the whole table.
    (PostgreSQL has the index, checked above; on an empty table its planner may pick any.)"""
    if connection.vendor != "sqlite":
        pytest.skip("the plan on an empty table says nothing on PostgreSQL; the index's existence is checked above")
    from qiao.activities.models import FirstAttendance

    lookup = FirstAttendance.objects.filter(person_id=1, facet=0, value=0, unit__isnull=True).values("region")
    sql, params = lookup.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "first_attendance_once_overall" in plan, plan
