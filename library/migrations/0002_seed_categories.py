from django.db import migrations

from library.apps import CATEGORIES


def seed(apps, schema_editor):
    Category = apps.get_model("library", "Category")
    for slug, name, name_en, order in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
