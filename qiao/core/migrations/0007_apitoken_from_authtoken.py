"""Existing tokens of Django REST framework's authtoken app (kept in clear) become ApiToken rows holding
only their SHA-256, so integrations keep working with the key they have; the clear keys are then
erased from the old table. Reads the old table with SQL: the authtoken app is no longer installed."""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def convert(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("core", "ApiToken")
    User = apps.get_model("core", "User")
    quoted = schema_editor.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, user_id, created FROM {quoted}")
        rows = cursor.fetchall()
    existing_users = set(User.objects.filter(pk__in=[row[1] for row in rows]).values_list("pk", flat=True))
    for key, user_id, created in rows:
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        if isinstance(created, str):
            created = parse_datetime(created)
        if created is not None and timezone.is_naive(created):
            created = timezone.make_aware(created, datetime.UTC)
        if user_id not in existing_users or ApiToken.objects.filter(key_hash=key_hash).exists():
            continue
        ApiToken.objects.create(
            user_id=user_id, name="API token", prefix=key[:8], key_hash=key_hash, created=created or timezone.now()
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted}")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_apitoken")]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
