"""TOTP secrets encrypted at rest (common.fields.EncryptedTextField), and one-time recovery codes.

The column first becomes plain text, the existing secrets are encrypted in place with the configured key
(common.encryption), and then the field becomes the encrypted one. Reversed, the secrets are decrypted back."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import common.fields
from common import encryption


def encrypt_secrets(apps, schema_editor):
    TwoFactorDevice = apps.get_model("accounts", "TwoFactorDevice")
    for device in TwoFactorDevice.objects.using(schema_editor.connection.alias).exclude(secret=""):
        try:
            encryption.decrypt(device.secret)
        except (encryption.InvalidToken, ValueError):
            device.secret = encryption.encrypt(device.secret)
            device.save(update_fields=["secret"])
        # else: encrypted already (the migration ran before and was faked back): left as it is


def decrypt_secrets(apps, schema_editor):
    TwoFactorDevice = apps.get_model("accounts", "TwoFactorDevice")
    for device in TwoFactorDevice.objects.using(schema_editor.connection.alias).exclude(secret=""):
        try:
            device.secret = encryption.decrypt(device.secret)
        except (encryption.InvalidToken, ValueError) as exc:
            raise RuntimeError(
                f"The TOTP secret of two-factor device {device.pk} cannot be decrypted with the configured keys "
                "(PULT_FIELD_ENCRYPTION_KEYS); give the key it was encrypted with before migrating back."
            ) from exc
        device.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_away_and_timeline_order"),
    ]

    operations = [
        migrations.AlterField(
            model_name="twofactordevice",
            name="secret",
            field=models.TextField(verbose_name="secret"),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False),
        migrations.AlterField(
            model_name="twofactordevice",
            name="secret",
            field=common.fields.EncryptedTextField(verbose_name="secret"),
        ),
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code_hash", models.CharField(max_length=128, verbose_name="code hash")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="used at")),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recovery_codes",
                        to="accounts.twofactordevice",
                        verbose_name="authenticator",
                    ),
                ),
            ],
            options={
                "verbose_name": "recovery code",
                "verbose_name_plural": "recovery codes",
                "ordering": ["device", "id"],
            },
        ),
    ]
