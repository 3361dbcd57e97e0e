# Facet values beside each search entry (counted over a query's matches without reading the objects'
# tables), and a narrow index that takes a full-text match to an entry's kind and object id (issue 13).
# Entries indexed before have no facet values: the catalogue's `index_outdated` notices and reindexes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_notification_sources_and_params'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchFacets',
            fields=[
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='facets', serialize=False, to='core.searchentry')),
                ('keys', models.TextField(blank=True)),
            ],
        ),
        migrations.AddIndex(
            model_name='searchentry',
            index=models.Index(fields=['id', 'kind', 'object_id'], name='search_entry_cover'),
        ),
    ]
