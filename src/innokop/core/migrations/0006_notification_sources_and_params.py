from django.db import migrations, models

# Notifications keep what happened instead of a finished sentence: the untranslated subject and body
# (msgids) and their values, rendered in the reader's language when read (core.messages). Rows made
# before keep their finished text in the renamed columns with `params` NULL, which is read as stored.
# The field is added without a default first, so that existing rows get NULL rather than {}.


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_search_extra_terms"),
    ]

    operations = [
        migrations.RenameField("notification", "subject", "subject_source"),
        migrations.RenameField("notification", "body", "body_source"),
        migrations.AddField("notification", "params", models.JSONField(blank=True, null=True)),
        migrations.AlterField("notification", "params", models.JSONField(blank=True, null=True, default=dict)),
    ]
