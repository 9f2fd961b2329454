"""操作审计 (AuditEntry), append-only in PostgreSQL itself like the case events
(cases 0002); and revoked grants kept as history, one grant in force per person and
region.

TRUNCATE is left to the table owner (maintenance, and Django's test flush uses it)."""

import django.db.models.deletion
from django.conf import settings
from core.db import append_only
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_intake_rules'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                ('action', models.CharField(choices=[('grant_role', '授予/变更岗位'), ('revoke_grant', '撤销授权'), ('rule_create', '新增规则参数'), ('rule_change', '修改规则参数'), ('urgent_aid_paid', '发放先行救助')], db_index=True, max_length=40, verbose_name='操作')),
                ('target', models.CharField(max_length=200, verbose_name='对象')),
                ('old', models.JSONField(blank=True, default=dict, verbose_name='原值')),
                ('new', models.JSONField(blank=True, default=dict, verbose_name='新值')),
                ('reason', models.TextField(blank=True, verbose_name='理由')),
            ],
            options={
                'verbose_name': '操作审计',
                'verbose_name_plural': '操作审计',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='regiongrant',
            name='one_grant_per_user_region',
        ),
        migrations.AddField(
            model_name='regiongrant',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤销时间'),
        ),
        migrations.AddField(
            model_name='regiongrant',
            name='revoked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='撤销人'),
        ),
        migrations.AddConstraint(
            model_name='regiongrant',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('user', 'region'), name='one_active_grant_per_user_region', violation_error_message='该工作人员在此区划已有有效授权：请打开该授权修改岗位。'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='留空表示系统自动操作。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='区划'),
        ),
        append_only("accounts_auditentry", "操作审计只能追加，不能修改或删除"),
    ]
