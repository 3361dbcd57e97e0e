"""Key rotation of the feed: the purchasing body generates a new key; through the transition the feed carries a
signature by the previous key too and announces both; a subscriber that trusts the previous key records the new
one (audited) and keeps importing after the previous key is dropped; a feed signed only by a key it does not
trust is refused as before."""

import json
import stat
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from innokop.core import clock as clock_module
from innokop.core.models import AuditEvent
from innokop.network import feed, keys, services, signing
from innokop.network.models import NetworkItem, PartnerKey, SigningKey, Subscription

from .test_cases_and_pages import _published_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.INNOKOP_NETWORK_KEY_DIR = tmp_path / "keys"
    return settings.INNOKOP_NETWORK_KEY_DIR


@pytest.fixture
def our_feed_followed(partner, cpb_manager):
    """A subscription to this instance's own feed, with the key of the settings: the partner's view of us."""
    return Subscription.objects.create(partner=partner, feed_url="https://innokop.example/network/feed.json",
                                       public_key=signing.public_key_text(), created_by=cpb_manager,
                                       created_at=clock_module.now())


def _body() -> bytes:
    return json.dumps(feed.build("https://innokop.example")).encode()


def _public(key: Ed25519PrivateKey) -> str:
    return signing.public_key_text(key)


def test_before_a_rotation_the_settings_key_signs_and_is_announced(clock):
    document = feed.build("https://innokop.example")
    key_id = signing.key_id(signing.public_key_text())
    assert document["key_id"] == key_id and document["public_key"] == signing.public_key_text()
    assert [s["key_id"] for s in document["signatures"]] == [key_id]
    assert document["payload"]["keys"] == [{"key_id": key_id, "alg": "Ed25519", "public_key": document["public_key"],
                                            "valid_from": None, "valid_until": None}]


def test_a_rotation_signs_with_both_keys_through_the_transition(clock, key_dir, cpb_manager, settings, client):
    settings.INNOKOP_NETWORK_KEY_TRANSITION_DAYS = 30
    old = signing.public_key_text()
    new = services.signing_key_rotate(actor=cpb_manager)
    # The private half is in its own 0600 file; the database holds only public keys.
    path = key_dir / new.key_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _public(signing.private_key(path.read_text())) == new.public_key
    assert set(SigningKey.objects.values_list("public_key", flat=True)) == {old, new.public_key}
    event = AuditEvent.objects.get(verb="network.key_rotated")
    assert event.payload["key_id"] == new.key_id and event.payload["previous"] == [signing.key_id(old)]

    document = feed.build("https://innokop.example")
    assert document["public_key"] == new.public_key and document["key_id"] == new.key_id
    assert signing.verify(document["payload"], document["signature"], new.public_key)
    by_id = {s["key_id"]: s["value"] for s in document["signatures"]}
    assert list(by_id) == [new.key_id, signing.key_id(old)]
    assert signing.verify(document["payload"], by_id[signing.key_id(old)], old)
    until = (clock.now() + timedelta(days=30)).isoformat()
    announced = {k["public_key"]: k for k in document["payload"]["keys"]}
    assert announced[old]["valid_until"] == until and announced[new.public_key]["valid_until"] is None
    published = client.get(reverse("network:keys_json")).json()
    assert published["keys"] == document["payload"]["keys"]
    assert client.get(reverse("api:network_keys")).json() == published

    # After the transition only the new key signs.
    clock.set(clock.now() + timedelta(days=30))
    document = feed.build("https://innokop.example")
    assert [s["key_id"] for s in document["signatures"]] == [new.key_id]
    assert [k["key_id"] for k in document["payload"]["keys"]] == [new.key_id]


def test_a_subscriber_learns_the_new_key_and_keeps_importing_after_the_old_one_is_dropped(
        clock, key_dir, our_feed_followed, cpb_manager, agency, agency_procurer, login, client):
    subscription = our_feed_followed
    _published_case(agency, agency_procurer, cpb_manager)
    assert services.import_feed(subscription, _body())["added"] == 1
    assert not PartnerKey.objects.exists()

    new = services.signing_key_rotate(actor=cpb_manager)
    clock.set(clock.now() + timedelta(hours=1))
    assert services.import_feed(subscription, _body())["unchanged"] == 1
    learnt = PartnerKey.objects.get(public_key=new.public_key)
    assert learnt.key_id == new.key_id and learnt.valid_until is None
    assert learnt.announced_by == signing.key_id(signing.public_key_text())
    recorded = AuditEvent.objects.filter(verb="network.partner_key_recorded").values_list("payload", flat=True)
    assert {payload["key_id"] for payload in recorded} == {new.key_id, signing.key_id(signing.public_key_text())}
    old_row = PartnerKey.objects.get(public_key=signing.public_key_text())
    assert old_row.valid_until == SigningKey.objects.get(public_key=signing.public_key_text()).valid_until
    login(cpb_manager)
    page = client.get(reverse("network:subscriptions")).content.decode()
    assert new.key_id in page

    services.signing_key_transition_end(actor=cpb_manager)
    assert AuditEvent.objects.filter(verb="network.key_transition_ended").exists()
    clock.set(clock.now() + timedelta(hours=1))
    only_new = json.loads(_body())
    assert [s["key_id"] for s in only_new["signatures"]] == [new.key_id]
    assert services.import_feed(subscription, _body())["unchanged"] == 1
    # The old key is no longer announced: it is trusted no more, and a feed signed with it alone is refused.
    old_row.refresh_from_db()
    assert old_row.valid_until <= clock.now()
    assert services.trusted_keys(subscription, clock.now()) == {new.public_key: new.key_id}
    payload = only_new["payload"]
    forged = {"payload": payload, "signature": signing.sign(payload)}
    with pytest.raises(services.FeedRefused):
        services.import_feed(subscription, json.dumps(forged).encode())
    assert NetworkItem.objects.count() == 1


def test_a_feed_signed_only_by_an_unknown_key_is_refused_and_logged(clock, key_dir, our_feed_followed, cpb_manager,
                                                                    agency, agency_procurer, caplog):
    subscription = our_feed_followed
    _published_case(agency, agency_procurer, cpb_manager)
    new = services.signing_key_rotate(actor=cpb_manager)
    services.signing_key_transition_end(actor=cpb_manager)  # the subscriber never saw the transition
    with pytest.raises(services.FeedRefused):
        services.import_feed(subscription, _body())
    subscription.refresh_from_db()
    assert subscription.last_error["msgid"] == "The feed's signature is not the partner's."
    assert AuditEvent.objects.filter(verb="network.feed_refused").exists()
    assert "refused" in caplog.text
    assert not NetworkItem.objects.exists() and not PartnerKey.objects.filter(public_key=new.public_key).exists()


def test_a_key_announced_without_its_own_signature_is_not_trusted(clock, subscription, partner_key):
    key, public = partner_key
    stranger = _public(Ed25519PrivateKey.generate())
    payload = {"format": feed.FORMAT, "publisher": "Hankinta Oy", "generated_at": "2027-03-15T09:00:00+00:00",
               "keys": [{"key_id": signing.key_id(public), "alg": "Ed25519", "public_key": public,
                         "valid_from": None, "valid_until": None},
                        {"key_id": signing.key_id(stranger), "alg": "Ed25519", "public_key": stranger,
                         "valid_from": None, "valid_until": None}],
               "items": []}
    body = json.dumps({"payload": payload, "signatures": [
        {"key_id": signing.key_id(public), "alg": "Ed25519", "value": signing.sign(payload, key)}]}).encode()
    services.import_feed(subscription, body)
    assert not PartnerKey.objects.exists()
    assert services.trusted_keys(subscription, clock.now()) == {public: signing.key_id(public)}


def test_a_key_announced_with_a_wrong_id_refuses_the_feed(clock, subscription, partner_key):
    key, public = partner_key
    payload = {"format": feed.FORMAT, "publisher": "Hankinta Oy", "generated_at": "2027-03-15T09:00:00+00:00",
               "keys": [{"key_id": "0" * 16, "alg": "Ed25519", "public_key": public}], "items": []}
    body = json.dumps({"payload": payload, "signature": signing.sign(payload, key)}).encode()
    with pytest.raises(services.FeedRefused):
        services.import_feed(subscription, body)


def test_only_a_framework_manager_rotates(clock, key_dir, agency_procurer, cpb_manager, login, client):
    with pytest.raises(services.NetworkError) as refused:
        services.signing_key_rotate(actor=agency_procurer)
    assert refused.value.status == 403 and not SigningKey.objects.exists()
    with pytest.raises(services.NetworkError) as refused:
        services.signing_key_transition_end(actor=cpb_manager)
    assert refused.value.status == 409

    login(agency_procurer)
    assert client.get(reverse("network:keys")).status_code == 403
    assert client.post(reverse("network:key_rotate")).status_code == 403
    login(cpb_manager)
    page = client.get(reverse("network:keys"))
    assert page.status_code == 200 and signing.key_id(signing.public_key_text()).encode() in page.content
    assert client.post(reverse("network:key_rotate")).status_code == 302
    current = keys.signing_keys(clock.now())[0]
    assert current.public_key != signing.public_key_text()
    page = client.get(reverse("network:keys"))
    assert current.key_id.encode() in page.content and b'id="key-transition-end"' in page.content
    assert client.post(reverse("network:key_transition_end")).status_code == 302
    assert [key.key_id for key in keys.signing_keys(clock.now())] == [current.key_id]
