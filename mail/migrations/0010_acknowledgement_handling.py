"""The default acknowledgement says when a request that arrived outside opening hours will be handled."""

from django.db import migrations

OLD_NEW = {
    "hu": (
        "Megkeresését {{ number }} számon rögzítettük. A megoldásáról",
        "Megkeresését {{ number }} számon rögzítettük.{% if handling %} {{ handling }}{% endif %} A megoldásáról",
    ),
    "en": (
        "under number {{ number }}. We will let you",
        "under number {{ number }}.{% if handling %} {{ handling }}{% endif %} We will let you",
    ),
}


def forwards(apps, schema_editor):
    MessageTemplate = apps.get_model("mail", "MessageTemplate")
    for template in MessageTemplate.objects.filter(key="acknowledgement", language__in=OLD_NEW):
        old, new = OLD_NEW[template.language]
        if old in template.body and "handling" not in template.body:  # only texts nobody has rewritten there
            template.body = template.body.replace(old, new)
            template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("mail", "0009_staff_alerts")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
