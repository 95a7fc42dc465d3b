"""The conciliation bodies and consumer-protection authorities as known when Pult was written."""

from django.db import migrations


def seed(apps, schema_editor):
    from complaints.redress_seed import CONCILIATION_BODIES, CONSUMER_AUTHORITIES

    RedressBody = apps.get_model("complaints", "RedressBody")
    for kind, rows in (("conciliation", CONCILIATION_BODIES), ("authority", CONSUMER_AUTHORITIES)):
        for row in rows:
            RedressBody.objects.get_or_create(kind=kind, county=row["county"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
