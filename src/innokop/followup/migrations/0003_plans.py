# Follow-up plans, rounds and deviations (the plans helper's migration).

import django.db.models.deletion
import innokop.core.states
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_outbox_links_removed'),
        ('agreements', '0002_contract_limits_and_commitments'),
        ('calloffs', '0006_decision_in_the_readers_language'),
        ('followup', '0002_register'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FollowUpPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField()),
                ('agreement', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='followup_plan', to='agreements.frameworkagreement')),
                ('contract', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='followup_plan', to='calloffs.contract')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='FollowUpRound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('regular', 'Follow-up round'), ('audit', 'Commissioned audit')], default='regular', max_length=10, verbose_name='kind')),
                ('audit_area', models.CharField(blank=True, choices=[('information_security', 'Information security'), ('environment', 'Environment'), ('social', 'Social sustainability')], max_length=30, verbose_name='audit area')),
                ('auditor', models.CharField(blank=True, max_length=200, verbose_name='external auditor')),
                ('status', models.CharField(choices=[('requested', 'Requested'), ('answered', 'Answered'), ('met', 'Met'), ('deviation', 'Deviation')], default='requested', max_length=20, verbose_name='status')),
                ('scheduled_on', models.DateField(verbose_name='scheduled for')),
                ('question', models.TextField(verbose_name='what the supplier is asked for')),
                ('deadline', models.DateTimeField(verbose_name='answer by')),
                ('requested_at', models.DateTimeField()),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='measured value')),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('assessment', models.TextField(blank=True, verbose_name='reasons for the assessment')),
                ('assessed_at', models.DateTimeField(blank=True, null=True)),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('assessed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='followup.followupplan')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='followup_rounds', to='accounts.organisation')),
            ],
            options={
                'ordering': ['-scheduled_on', '-id'],
            },
            bases=(innokop.core.states.StateMachine, models.Model),
        ),
        migrations.CreateModel(
            name='Deviation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('open', 'Open'), ('action_planned', 'Action planned'), ('closed', 'Verified closed'), ('escalated', 'Escalated')], default='open', max_length=20, verbose_name='status')),
                ('description', models.TextField(verbose_name='what is not met')),
                ('opened_at', models.DateTimeField()),
                ('action', models.TextField(blank=True, verbose_name='corrective action')),
                ('action_deadline', models.DateField(blank=True, null=True, verbose_name='action completed by')),
                ('action_proposed_at', models.DateTimeField(blank=True, null=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('sanction', models.CharField(blank=True, choices=[('remark', 'Remark'), ('price_reduction', 'Price reduction or liquidated damages (vite)'), ('termination', 'Recommendation to terminate')], max_length=20, verbose_name='sanction')),
                ('sanction_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='amount (SEK)')),
                ('escalated_at', models.DateTimeField(blank=True, null=True)),
                ('action_proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('round', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='deviation', to='followup.followupround')),
            ],
            options={
                'ordering': ['-opened_at', '-id'],
            },
            bases=(innokop.core.states.StateMachine, models.Model),
        ),
        migrations.CreateModel(
            name='PlanItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('requirement', 'Requirement of the agreement'), ('promise', 'Promised in the tender'), ('target', 'Target set by the buyer')], max_length=20, verbose_name='source')),
                ('identifier', models.CharField(max_length=30, verbose_name='id')),
                ('text', models.TextField(verbose_name='what is followed up')),
                ('method', models.CharField(choices=[('self_declaration', 'Self-declaration'), ('document', 'Document'), ('audit', 'Audit'), ('kpi', 'KPI measurement'), ('user_survey', 'User survey')], max_length=20, verbose_name='method')),
                ('frequency', models.CharField(choices=[('once', 'Once, at the start'), ('monthly', 'Every month'), ('quarterly', 'Every quarter'), ('half_yearly', 'Every six months'), ('annually', 'Every year'), ('on_demand', 'When needed (no schedule)')], max_length=20, verbose_name='frequency')),
                ('target', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='target')),
                ('target_direction', models.CharField(choices=[('at_least', 'at least'), ('at_most', 'at most')], default='at_least', max_length=10, verbose_name='the value should be')),
                ('unit', models.CharField(blank=True, max_length=30, verbose_name='unit')),
                ('audit_area', models.CharField(blank=True, choices=[('information_security', 'Information security'), ('environment', 'Environment'), ('social', 'Social sustainability')], max_length=30, verbose_name='audit area')),
                ('active', models.BooleanField(default=True, verbose_name='followed up')),
                ('created_at', models.DateTimeField()),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='followup.followupplan')),
                ('requirement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agreements.requirement')),
                ('responsible', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person responsible')),
            ],
            options={
                'ordering': ['plan', 'id'],
            },
        ),
        migrations.AddField(
            model_name='followupround',
            name='item',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='followup.planitem'),
        ),
        migrations.CreateModel(
            name='PlanItemChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('changed_at', models.DateTimeField()),
                ('reason', models.TextField(verbose_name='reason for the change')),
                ('changes', models.JSONField(default=dict)),
                ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='followup.planitem')),
            ],
            options={
                'ordering': ['-changed_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='RoundEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('requested', 'Evidence requested'), ('answered', 'Answered'), ('audit_report', "Auditor's report recorded"), ('met', 'Assessed as met'), ('deviation', 'Assessed as a deviation'), ('action_proposed', 'Corrective action proposed'), ('action_rejected', 'Corrective action sent back'), ('closed', 'Verified closed'), ('escalated', 'Escalated'), ('reminded_before', 'Reminder before the deadline'), ('reminded_after', 'Reminder after the deadline')], max_length=20)),
                ('at', models.DateTimeField()),
                ('text', models.TextField(blank=True)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='followup.followupround')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='followupplan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('agreement__isnull', False), ('contract__isnull', True)), models.Q(('agreement__isnull', True), ('contract__isnull', False)), _connector='OR'), name='followup_plan_agreement_or_contract'),
        ),
        migrations.AddConstraint(
            model_name='followupround',
            constraint=models.UniqueConstraint(fields=('item', 'supplier', 'scheduled_on'), name='followup_round_once_per_date'),
        ),
        migrations.AddConstraint(
            model_name='roundevent',
            constraint=models.UniqueConstraint(condition=models.Q(('kind__in', ['reminded_before', 'reminded_after'])), fields=('round', 'kind'), name='followup_round_reminder_once'),
        ),
    ]
