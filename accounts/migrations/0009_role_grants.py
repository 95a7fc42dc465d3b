"""Sensitive roles given in the admin wait for a second administrator (accounts.grants)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_directory_accounts'),
    ]

    operations = [
        migrations.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('agent', 'Agent'), ('manager', 'Service-desk manager'), ('dispatcher', 'Dispatcher'), ('executor', 'Executor'), ('complaint_officer', 'Complaint officer'), ('complaint_deputy', 'Deputy complaint officer'), ('executive', 'Executive'), ('complaint_board', 'Member of the complaint decision body'), ('administrator', 'Administrator'), ('data_protection_officer', 'Data-protection officer')], max_length=40, verbose_name='role')),
                ('state', models.CharField(choices=[('pending', 'Waiting for approval'), ('approved', 'Approved'), ('refused', 'Refused')], default='pending', max_length=10, verbose_name='state')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='asked at')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='asked by')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_grants', to=settings.AUTH_USER_MODEL, verbose_name='for')),
            ],
            options={
                'verbose_name': 'role grant',
                'verbose_name_plural': 'role grants',
                'ordering': ['-requested_at', '-id'],
                'permissions': [('decide_role_grant', 'Can approve or refuse a sensitive role')],
                'default_permissions': ('view',),
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('user', 'role'), name='accounts_role_grant_one_pending'), models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(models.Q(('decided_by', models.F('requested_by')), _negated=True), models.Q(('decided_by', models.F('user')), _negated=True)), _connector='OR'), name='accounts_role_grant_second_person')],
            },
        ),
    ]
