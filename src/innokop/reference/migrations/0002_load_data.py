from django.db import migrations


def load(apps, schema_editor):
    from innokop.reference.loading import load_cpv, load_nuts

    load_cpv(apps.get_model("reference", "CpvCode"))
    load_nuts(apps.get_model("reference", "NutsRegion"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
