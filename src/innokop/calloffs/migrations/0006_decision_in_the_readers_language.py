from django.db import migrations, models

# The award decision is legal text in Swedish as sent; a reader of another language gets a version
# in theirs. For that the decision records which of its texts the team kept as Innoköp wrote them
# from the evaluation, and a rejected tender the grounds of a reason Innoköp wrote. Decisions and
# rejections from before have neither, and read as stored.


class Migration(migrations.Migration):
    dependencies = [
        ("calloffs", "0005_scheduled_publication"),
    ]

    operations = [
        migrations.AddField("awarddecision", "reasons_generated", models.BooleanField(default=False)),
        migrations.AddField("awarddecision", "advantages_generated", models.BooleanField(default=False)),
        migrations.AddField("tender", "rejection_grounds", models.JSONField(blank=True, default=list)),
    ]
