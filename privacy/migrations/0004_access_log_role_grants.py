"""The access log records sensitive roles asked for, approved and refused (privacy.role_grants); choices only."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0003_subject_requests'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accesslogentry',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('pdf', 'Printed as PDF'), ('export', 'Exported'), ('api_view', 'Read over the API'), ('role_requested', 'Role asked for'), ('role_approved', 'Role approved'), ('role_refused', 'Role refused')], max_length=20, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='accesslogentry',
            name='kind',
            field=models.CharField(choices=[('ticket', 'Ticket'), ('letter', 'Letter'), ('contact', 'Contact'), ('complaint', 'Complaint'), ('complaint_register', 'Complaint register'), ('access_log', 'Access log'), ('subject_request', 'Data-subject request'), ('role_grant', 'Sensitive role')], max_length=30, verbose_name='what'),
        ),
    ]
