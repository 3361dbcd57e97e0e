# Public documents and secrecy (issue 10): requests for public documents, the part-by-part review, and the
# suppliers' secrecy requests on tenders.

import django.db.models.deletion
import innokop.core.states
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("prestudy", "0002_surveys_and_market"),
        ("calloffs", "0006_decision_in_the_readers_language"),
        ("core", "0007_search_facets_and_cover_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.TextField(verbose_name='what is asked for')),
                ('requester_name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('requester_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                ('language', models.CharField(default='sv', max_length=10)),
                ('status', models.CharField(choices=[('registered', 'Registered'), ('under_review', 'Secrecy under review'), ('released', 'Released'), ('partly_released', 'Partly released'), ('refused', 'Refused')], db_index=True, default='registered', max_length=20, verbose_name='status')),
                ('registered_at', models.DateTimeField()),
                ('due_on', models.DateField(verbose_name='to be decided by')),
                ('review_started_at', models.DateTimeField(blank=True, null=True)),
                ('decision_reasons', models.TextField(blank=True, verbose_name='reasons for the decision')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('calloff', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='document_requests', to='calloffs.calloff')),
                ('copy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.document')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('dialogue', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='document_requests', to='prestudy.marketdialogue')),
                ('rfi_response', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='document_requests', to='prestudy.rfiresponse')),
                ('tender', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='document_requests', to='calloffs.tender')),
            ],
            options={
                'ordering': ['-registered_at', '-id'],
            },
            bases=(innokop.core.states.StateMachine, models.Model),
        ),
        migrations.CreateModel(
            name='DocumentRequestPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('heading', models.CharField(max_length=500)),
                ('text', models.TextField(blank=True)),
                ('released', models.BooleanField(null=True)),
                ('provision', models.CharField(blank=True, choices=[('31:16', "OSL 31:16 (the supplier's business and operating conditions)"), ('19:3', 'OSL 19:3 (tenders until the award decision)')], max_length=10, verbose_name='provision')),
                ('reasons', models.TextField(blank=True, verbose_name='reasons')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='prestudy.documentrequest')),
            ],
            options={
                'ordering': ['request', 'number'],
            },
        ),
        migrations.CreateModel(
            name='TenderSecrecyRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('parts', models.TextField(verbose_name='the parts that should be secret')),
                ('reasons', models.TextField(verbose_name='why their disclosure would harm the supplier')),
                ('asked_at', models.DateTimeField()),
                ('asked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tender', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='secrecy_request', to='calloffs.tender')),
            ],
        ),
        migrations.AddConstraint(
            model_name='documentrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('calloff__isnull', True), ('dialogue__isnull', False), ('tender__isnull', True)), models.Q(('calloff__isnull', False), ('dialogue__isnull', True), ('rfi_response__isnull', True)), _connector='OR'), name='document_request_one_document'),
        ),
        migrations.AddConstraint(
            model_name='documentrequestpart',
            constraint=models.UniqueConstraint(fields=('request', 'number'), name='document_request_part_unique'),
        ),
    ]
