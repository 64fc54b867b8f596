"""Stored counts of the live cases by unit and status (qiao/ledger/tally.py), the triggers on the
cases table that keep them exact on every write (PostgreSQL and SQLite), and their first count from
the cases already recorded."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from qiao.ledger import tally

    tally.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from qiao.ledger import tally

    tally.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_user_amount_unit_user_time_zone'),
        ('ledger', '0005_case_live_unit'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('resolved', 'Resolved'), ('closed', 'Closed'), ('cannot_resolve', 'Cannot resolve')], max_length=20)),
                ('n', models.BigIntegerField(default=0)),
                ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.unit')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('unit', 'status'), name='case_tally_once')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
