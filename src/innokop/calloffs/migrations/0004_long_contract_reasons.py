from django.db import migrations, models


def commit_signed_contracts(apps, schema_editor):
    """Contracts signed before the maximum value was tracked take their share of it now."""
    Contract = apps.get_model("calloffs", "Contract")
    Commitment = apps.get_model("agreements", "Commitment")
    for contract in Contract.objects.select_related("calloff__lot"):
        Commitment.objects.get_or_create(source=f"calloffs.contract:{contract.pk}", defaults={
            "agreement_id": contract.calloff.lot.agreement_id, "amount": contract.value,
            "label": f"{contract.calloff.reference} {contract.calloff.title}"[:255], "buyer_id": contract.agency_id,
            "created_at": contract.signed_at})


class Migration(migrations.Migration):

    dependencies = [
        ("calloffs", "0003_tenders_to_contract"),
        ("agreements", "0002_contract_limits_and_commitments"),
    ]

    operations = [
        migrations.AddField(
            model_name="calloff",
            name="long_contract_reason",
            field=models.TextField(blank=True, verbose_name="reasons for a contract over four years"),
        ),
        migrations.AddField(
            model_name="contract",
            name="long_contract_reason",
            field=models.TextField(blank=True, verbose_name="reasons for a contract over four years"),
        ),
        migrations.RunPython(commit_signed_contracts, migrations.RunPython.noop),
    ]
