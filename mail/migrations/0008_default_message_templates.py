from django.db import migrations

DEFAULTS = [
    (
        "acknowledgement", "hu", "Megkeresését rögzítettük",
        "Tisztelt {{ contact_name }}!\n\nMegkeresését {{ number }} számon rögzítettük. A megoldásáról értesíteni "
        "fogjuk.\nKérjük, válaszában hagyja meg a tárgyban a feladatszámot.\n\n{{ company_name }}\nÜgyfélszolgálat\n",
    ),
    (
        "acknowledgement", "en", "Your request has been registered",
        "Dear {{ contact_name }},\n\nwe have registered your request under number {{ number }}. We will let you "
        "know when it is solved.\nPlease keep the number in the subject when you reply.\n\n{{ company_name }}\n"
        "Customer service\n",
    ),
    (
        "notification", "hu", "{{ subject }}",
        "Tisztelt {{ contact_name }}!\n\nÉrtesítjük, hogy {{ number }} számú bejelentését („{{ subject }}”) "
        "megoldottuk.\n\n\n\nÜdvözlettel:\n{{ company_name }}\nÜgyfélszolgálat\n",
    ),
    (
        "notification", "en", "{{ subject }}",
        "Dear {{ contact_name }},\n\nyour request {{ number }} (“{{ subject }}”) has been solved.\n\n\n\n"
        "Kind regards,\n{{ company_name }}\nCustomer service\n",
    ),
]


def create_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("mail", "MessageTemplate")
    for key, language, subject, body in DEFAULTS:
        MessageTemplate.objects.get_or_create(key=key, language=language, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("mail", "0007_message_templates")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
