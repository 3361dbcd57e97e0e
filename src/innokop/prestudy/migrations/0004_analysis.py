from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("prestudy", "0003_public_documents")]

    operations = []
