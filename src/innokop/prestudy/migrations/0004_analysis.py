import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calloffs", "0006_decision_in_the_readers_language"),
        ("prestudy", "0003_public_documents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Assessment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("route", models.CharField(choices=[
                    ("framework_dialogue", "Framework agreement with call-offs by dialogue"),
                    ("innovation_partnership", "Innovation partnership"),
                    ("dynamic_purchasing", "Dynamic purchasing system"),
                    ("pre_commercial", "Pre-commercial procurement")], max_length=30,
                    verbose_name="procurement route")),
                ("route_reasons", models.TextField(verbose_name="why this route")),
                ("competition", models.TextField(verbose_name="assessment of the competition")),
                ("contract_years", models.PositiveSmallIntegerField(default=4, validators=[
                    django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10)],
                    verbose_name="years the agreement would run")),
                ("value_note", models.TextField(blank=True, verbose_name="comment on the estimated value")),
                ("risks", models.TextField(verbose_name="risks")),
                ("recommendation", models.CharField(choices=[("procure", "Start a procurement"),
                                                             ("not_now", "Do not procure now")], max_length=20,
                                                    verbose_name="recommendation")),
                ("recommendation_text", models.TextField(verbose_name="the recommendation and its grounds")),
                ("facts", models.JSONField(blank=True, default=dict)),
                ("assessed_at", models.DateTimeField()),
                ("assessed_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                  to=settings.AUTH_USER_MODEL)),
                ("prestudy", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                                  related_name="assessment", to="prestudy.prestudy")),
            ],
        ),
        migrations.CreateModel(
            name="NeedCallOff",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("named_at", models.DateTimeField()),
                ("calloff", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                              to="calloffs.calloff")),
                ("named_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                               to=settings.AUTH_USER_MODEL)),
                ("need", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="calloff_links",
                                           to="prestudy.need")),
            ],
            options={
                "ordering": ["need", "named_at", "id"],
                "constraints": [models.UniqueConstraint(fields=("need", "calloff"), name="need_calloff_once")],
            },
        ),
    ]
