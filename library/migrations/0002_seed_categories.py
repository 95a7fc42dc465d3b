from django.db import migrations

CATEGORIES = [
    ("company-presentation", "Cégbemutatás", "Company presentation", 10),
    ("module-documentation", "Moduldokumentáció", "Module documentation", 20),
    ("quality-assurance", "Minőségbiztosítási dokumentumok", "Quality-assurance documents", 30),
    ("complaint-handling", "Panaszkezelés", "Complaint handling", 40),
]


def seed(apps, schema_editor):
    Category = apps.get_model("library", "Category")
    for slug, name, name_en, order in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
