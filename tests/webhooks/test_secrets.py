"""Endpoint secrets at rest: encrypted by the key-encryption key, never in the row in plain text, rewrapped by
`innokop rotate_kek`; deliveries stay signable across a rotation."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from innokop.calloffs import sealing
from innokop.webhooks import signing
from innokop.webhooks.models import Delivery, DeliveryStatus, Endpoint
from innokop.webhooks.services import delivery_attempt, endpoint_ping

OLD, NEW = sealing.new_kek(), sealing.new_kek()


def _row(endpoint) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM webhooks_endpoint WHERE id = %s", [endpoint.pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_row_holds_no_plaintext_secret(register, supplier, supplier_org):
    endpoint, secret = register(supplier, supplier_org)
    row = _row(endpoint)
    assert not any(secret in str(value) for value in row)
    assert not any("whsec_" in str(value) for value in row)
    endpoint.refresh_from_db()
    assert sealing.wrapped_key_id(endpoint.sealed_secret) == sealing.key_id(sealing.load_kek())
    assert endpoint.signing_secret() == secret


def test_a_sealed_secret_does_not_open_with_another_kek_nor_as_a_call_off_key():
    sealed = signing.seal_secret("whsec_abc", kek=OLD)
    assert signing.open_secret(sealed, kek=OLD) == "whsec_abc"
    with pytest.raises(sealing.DecryptionError):
        signing.open_secret(sealed, kek=NEW)
    with pytest.raises(sealing.DecryptionError):  # the associated data tells a secret from a data key
        sealing.unwrap_key(sealed, OLD)
    with pytest.raises(sealing.DecryptionError):
        signing.open_secret(sealing.wrap_key(sealing.new_data_key(), OLD), kek=OLD)


def _ping(supplier, endpoint, clock, receiver):
    delivery = endpoint_ping(actor=supplier, endpoint=endpoint)
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.mark.django_db
def test_a_kek_rotation_rewraps_the_secrets_and_deliveries_stay_signable(register, receiver, supplier, supplier_org,
                                                                         monkeypatch, tmp_path, clock):
    monkeypatch.setenv(sealing.KEK_ENV, sealing.encode_kek(OLD))
    endpoint, secret = register(supplier, supplier_org)
    monkeypatch.setenv(sealing.KEK_ENV, sealing.encode_kek(NEW))

    # The new KEK is set but the rotation not yet run: the attempt fails, and says why, without crashing.
    failed = _ping(supplier, endpoint, clock, receiver)
    assert failed.status == DeliveryStatus.FAILED and "key-encryption key" in failed.last_error
    assert receiver.received == []

    old_file = tmp_path / "old_kek"
    old_file.write_text(sealing.encode_kek(OLD), encoding="ascii")
    out = StringIO()
    call_command("rotate_kek", "--old-kek-file", str(old_file), stdout=out)
    assert "Rewrapped 1 webhook secrets." in out.getvalue()
    endpoint.refresh_from_db()
    assert sealing.wrapped_key_id(endpoint.sealed_secret) == sealing.key_id(NEW)

    delivered = _ping(supplier, endpoint, clock, receiver)
    assert delivered.status == DeliveryStatus.DELIVERED
    [received] = receiver.received
    headers = received.headers  # signed with the same secret the receiver has kept
    assert signing.verify(secret, headers["x-innokop-timestamp"], received.body, headers["x-innokop-signature"])

    out = StringIO()
    call_command("rotate_kek", "--old-kek-file", str(old_file), stdout=out)
    assert "Rewrapped 0 webhook secrets." in out.getvalue()  # running twice changes nothing more


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_secrets_already_there(supplier, supplier_org, monkeypatch):
    monkeypatch.setenv(sealing.KEK_ENV, sealing.encode_kek(OLD))
    executor = MigrationExecutor(connection)
    executor.migrate([("webhooks", "0001_initial")])
    old_endpoint = executor.loader.project_state([("webhooks", "0001_initial")]).apps.get_model("webhooks", "Endpoint")
    from innokop.core import clock

    made = old_endpoint.objects.create(organisation_id=supplier_org.pk, url="https://hooks.example.org/in",
                                       events=["calloff.published"], secret="whsec_plain", created_by_id=supplier.pk,
                                       created_at=clock.now())
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("webhooks"))
    endpoint = Endpoint.objects.get(pk=made.pk)
    assert endpoint.signing_secret() == "whsec_plain"
    assert not any("whsec_plain" in str(value) for value in _row(endpoint))
    assert Delivery.objects.count() == 0
