from django.db import migrations

# The eForms code list repeats the Swedish county names in its English column ("Stockholms län");
# English pages name them in English ("Stockholm County", data/nuts3_se_en.csv).


def name_in_english(apps, schema_editor):
    from innokop.reference.loading import name_nuts_in_english

    name_nuts_in_english(apps.get_model("reference", "NutsRegion"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_load_data")]
    operations = [migrations.RunPython(name_in_english, migrations.RunPython.noop)]
