from django.db import migrations, models


class Migration(migrations.Migration):
    """Letters written so far got their signature from the template: they keep it (False); new ones carry
    it in their text (True)."""

    dependencies = [("tickets", "0013_open_ticket_indexes")]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="signed_in_text",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AlterField(
            model_name="letter",
            name="signed_in_text",
            field=models.BooleanField(default=True, editable=False),
        ),
    ]
