from django.db import migrations, models
from django.db.models import F


def invitations_already_sent(apps, schema_editor):
    """Call-offs published before publication could be scheduled told their suppliers when they were published."""
    CallOff = apps.get_model("calloffs", "CallOff")
    CallOff.objects.filter(published_at__isnull=False).update(invitations_sent_at=F("published_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("calloffs", "0004_long_contract_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="calloff",
            name="invitations_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="calloff",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("scheduled", "Scheduled for publication"),
                    ("open", "Open for questions and dialogue"),
                    ("tendering", "Questions closed, awaiting tenders"),
                    ("awaiting_opening", "Tender deadline passed, awaiting opening"),
                    ("opened", "Tenders opened, under evaluation"),
                    ("evaluated", "Evaluated, decision not yet sent"),
                    ("awarded", "Award decision sent"),
                    ("offered", "Offered in ranking order"),
                    ("accepted", "Accepted by a supplier"),
                    ("contracted", "Contract signed"),
                    ("cancelled", "Cancelled"),
                ],
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(invitations_already_sent, migrations.RunPython.noop),
    ]
