# The contract register (issue 11): records beside call-off contracts, options and their use, changes under
# LOU 17 kap. with their dated limits, expiry alerts, and the link to the buyer's reference case.

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Sum


def seed_limits(apps, schema_editor):
    from innokop.followup.models.register import seed_change_limits

    seed_change_limits(apps.get_model("followup", "ChangeLimit"))


def reported_turnover(apps, schema_editor):
    """The agreements' reported turnover from the sales reports already submitted (rule 1 counts it from now)."""
    Agreement = apps.get_model("agreements", "FrameworkAgreement")
    Row = apps.get_model("followup", "SalesReportRow")
    for agreement in Agreement.objects.all():
        total = Row.objects.filter(report__agreement=agreement, report__is_current=True).aggregate(
            total=Sum("amount"))["total"] or Decimal(0)
        Agreement.objects.filter(pk=agreement.pk).update(reported_turnover=total)


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0001_initial"),
        ("agreements", "0003_reported_turnover_for_consumption"),
        ("calloffs", "0006_decision_in_the_readers_language"),
        ("catalogue", "0002_reference_case_written_by_buyer"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChangeLimit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(unique=True, verbose_name='valid from')),
                ('low_value_share_goods_services', models.DecimalField(decimal_places=2, max_digits=5)),
                ('low_value_share_works', models.DecimalField(decimal_places=2, max_digits=5)),
                ('per_change_share', models.DecimalField(decimal_places=2, max_digits=5)),
                ('source', models.CharField(max_length=300)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'ordering': ['valid_from'],
            },
        ),
        migrations.CreateModel(
            name='ContractRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('registration_number', models.CharField(blank=True, max_length=60, verbose_name='registration number (diarienummer)')),
                ('kind', models.CharField(choices=[('goods_services', 'Goods or services'), ('works', 'Works')], default='goods_services', max_length=20, verbose_name='the contract is for')),
                ('ends_on', models.DateField(verbose_name='ends')),
                ('value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='value now (SEK, excluding VAT)')),
                ('completed_at', models.DateTimeField(blank=True, null=True)),
                ('final_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='final amount paid (SEK, excluding VAT)')),
                ('completion_note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField()),
                ('completed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('contract', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='register_record', to='calloffs.contract')),
            ],
            options={
                'ordering': ['ends_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ContractOption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.CharField(max_length=300, verbose_name='description')),
                ('extension_months', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='extension (months)')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='value (SEK, excluding VAT)')),
                ('created_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('use_reason', models.TextField(blank=True, verbose_name='reason')),
                ('used_months', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('used_value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True)),
                ('end_before', models.DateField(blank=True, null=True)),
                ('end_after', models.DateField(blank=True, null=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('used_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='options', to='followup.contractrecord')),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ContractChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('17_9', 'Change of low value (LOU 17 kap. 9 §)'), ('17_10', 'Review clause in the contract (LOU 17 kap. 10 §)'), ('17_11', 'Additional deliveries (LOU 17 kap. 11 §)'), ('17_12', 'Unforeseeable circumstances (LOU 17 kap. 12 §)'), ('17_13', 'New supplier (LOU 17 kap. 13 §)'), ('17_14', 'Change that is not substantial (LOU 17 kap. 14 §)')], max_length=10, verbose_name='ground')),
                ('description', models.TextField(verbose_name='what changes and why')),
                ('value_before', models.DecimalField(decimal_places=2, max_digits=14)),
                ('value_after', models.DecimalField(decimal_places=2, max_digits=14)),
                ('warnings', models.JSONField(blank=True, default=list)),
                ('threshold', models.DecimalField(decimal_places=0, max_digits=14, null=True)),
                ('created_at', models.DateTimeField()),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('limits', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='followup.changelimit')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='followup.contractrecord')),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ContractReferenceCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('written_at', models.DateTimeField()),
                ('case', models.OneToOneField(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contract_link', to='catalogue.referencecase')),
                ('record', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reference_case_link', to='followup.contractrecord')),
                ('solution', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalogue.solution')),
                ('written_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='ExpiryAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('days', models.PositiveSmallIntegerField()),
                ('ends_on', models.DateField()),
                ('sent_at', models.DateTimeField()),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='followup.contractrecord')),
            ],
            options={
                'ordering': ['sent_at'],
                'constraints': [models.UniqueConstraint(fields=('record', 'days', 'ends_on'), name='expiry_alert_once')],
            },
        ),
        migrations.RunPython(seed_limits, migrations.RunPython.noop),
        migrations.RunPython(reported_turnover, migrations.RunPython.noop),
    ]
