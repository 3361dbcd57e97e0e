from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("prestudy", "0002_surveys_and_market")]

    operations = []
