"""The automatic intake's user (accounts.services.system_user) records complaints from the complaints mailbox
and the public complaint form; an installation made before the register existed gets the permission here."""

from django.db import migrations


def grant(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    system = User.objects.filter(username="pult-rendszer").first()
    if system is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="complaints", model="complaint")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="register_complaint", defaults={"name": "Can record complaints"}
    )
    system.user_permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_seed_redress_bodies"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
