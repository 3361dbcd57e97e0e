from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = []
