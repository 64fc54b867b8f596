"""SQLite: the unique constraints with INCLUDE columns, which Django does not create there at all, created
without them (qiao.core.database.unique_without_include). Nothing changes on PostgreSQL."""

from django.db import migrations

from qiao.core.database import unique_without_include


class Migration(migrations.Migration):
    dependencies = [("activities", "0010_participation_speakers")]

    operations = [
        unique_without_include("activities", "ActivityTally", "activity_tally_once"),
        unique_without_include("activities", "FirstAttendance", "first_attendance_once", "first_attendance_once_overall"),
    ]
