"""The IMAP password leaves the database (issue 7: secrets only from the environment or files).

A migration cannot put a secret into the environment: a mailbox that had a password gets the name of the
variable it must now come from (PULT_IMAP_PASSWORD_<id>) and a fetch error that says so; the stored value
is blanked before the column is dropped.
"""

import django.core.validators
from django.db import migrations, models


def password_to_environment_name(apps, schema_editor):
    from django.utils.translation import gettext

    Mailbox = apps.get_model("mail", "Mailbox")
    for mailbox in Mailbox.objects.exclude(imap_password="").only("pk"):
        variable = f"PULT_IMAP_PASSWORD_{mailbox.pk}"
        Mailbox.objects.filter(pk=mailbox.pk).update(
            imap_password="",
            imap_password_env=variable,
            last_fetch_error=gettext(
                "The IMAP password is no longer kept in the database. Set the environment variable "
                "%(variable)s (or %(variable)s_FILE, the path of a file holding it) for the web server and "
                "the worker, then fetch again. The old password was stored in the database and its backups: "
                "change it on the mail server."
            )
            % {"variable": variable},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0011_mailbox_purpose_alter_inboundmessage_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="mailbox",
            name="imap_password_env",
            field=models.CharField(
                blank=True,
                help_text="The password is not stored in Pult. Set this variable (or NAME_FILE, the path of a file holding the password) in the environment of the web server and the worker, e.g. PULT_IMAP_PASSWORD_SUPPORT.",
                max_length=64,
                validators=[
                    django.core.validators.RegexValidator(
                        "^PULT_IMAP_[A-Z0-9_]{1,54}$",
                        "Use the name of an environment variable starting with PULT_IMAP_, in capital letters, digits and underscores, e.g. PULT_IMAP_PASSWORD_SUPPORT.",
                    )
                ],
                verbose_name="environment variable with the IMAP password",
            ),
        ),
        # The password cannot come back: going backwards leaves the names and the column empty.
        migrations.RunPython(password_to_environment_name, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="mailbox",
            name="imap_password",
        ),
    ]
