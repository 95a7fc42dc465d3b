"""Throttle counters in the database, shared by every web process (accounts.throttling)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_encrypted_totp_secrets_and_recovery_codes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ThrottleCounter',
            fields=[
                ('key', models.CharField(max_length=100, primary_key=True, serialize=False)),
                ('count', models.PositiveIntegerField(default=0)),
                ('window_ends', models.FloatField()),
                ('locked_until', models.FloatField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'throttle counter',
                'verbose_name_plural': 'throttle counters',
                'default_permissions': (),
            },
        ),
    ]
