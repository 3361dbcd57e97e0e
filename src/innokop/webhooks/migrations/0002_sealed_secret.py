"""Endpoint secrets encrypted at rest with the key-encryption key (signing.seal_secret); the plain column goes."""

from django.db import migrations, models


def seal(apps, schema_editor):
    from innokop.calloffs import sealing
    from innokop.webhooks.signing import seal_secret

    Endpoint = apps.get_model("webhooks", "Endpoint")
    endpoints = list(Endpoint.objects.only("pk", "secret"))
    if not endpoints:
        return  # a new database: no KEK is made for nothing
    kek = sealing.load_kek()
    for endpoint in endpoints:
        Endpoint.objects.filter(pk=endpoint.pk).update(sealed_secret=seal_secret(endpoint.secret, kek=kek))


def unseal(apps, schema_editor):
    from innokop.calloffs import sealing
    from innokop.webhooks.signing import open_secret

    Endpoint = apps.get_model("webhooks", "Endpoint")
    endpoints = list(Endpoint.objects.only("pk", "sealed_secret"))
    if not endpoints:
        return
    kek = sealing.load_kek()
    for endpoint in endpoints:
        Endpoint.objects.filter(pk=endpoint.pk).update(secret=open_secret(endpoint.sealed_secret, kek=kek))


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    operations = [
        migrations.AddField(model_name="endpoint", name="sealed_secret", field=models.CharField(default="",
                                                                                                max_length=255),
                            preserve_default=False),
        migrations.AlterField(model_name="endpoint", name="secret", field=models.CharField(blank=True,
                                                                                          max_length=100)),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(model_name="endpoint", name="secret"),
    ]
