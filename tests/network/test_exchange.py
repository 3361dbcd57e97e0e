"""The signed feed between instances: signing, refusal of a tampered or malformed feed (nothing partial kept),
idempotent re-import, changed items updated, withdrawn ones removed."""

import json

import pytest

from innokop.core.models import AuditEvent
from innokop.network import signing
from innokop.network.models import NetworkItem
from innokop.network.services import FeedRefused, import_feed

from .conftest import case_item, signed, solution_item

pytestmark = pytest.mark.django_db


def test_signature_verifies_only_the_signed_payload_with_the_signers_key(partner_key):
    key, public = partner_key
    payload = {"items": [{"title": "Å"}], "format": "x"}
    signature = signing.sign(payload, key)
    assert signing.verify({"format": "x", "items": [{"title": "Å"}]}, signature, public)  # key order is not signed
    assert not signing.verify({"format": "x", "items": [{"title": "A"}]}, signature, public)
    assert not signing.verify(payload, signature, signing.public_key_text())  # another instance's key
    assert not signing.verify(payload, "not base64!", public)


def test_import_adds_the_items_and_is_idempotent(subscription, partner_key, clock):
    body = signed([case_item(1), solution_item(7)], partner_key[0])
    assert import_feed(subscription, body) == {"added": 2, "updated": 0, "unchanged": 0, "removed": 0}
    assert import_feed(subscription, body) == {"added": 0, "updated": 0, "unchanged": 2, "removed": 0}
    case = NetworkItem.objects.get(kind="case")
    assert case.content["lessons"] == {"sv": "lessons på svenska", "en": "lessons in English"}
    assert case.title == "Smarta sensorer"
    assert NetworkItem.objects.get(kind="solution").content["trl"] == 8
    assert subscription.last_imported_at == clock.now() and subscription.last_error is None


def test_a_changed_item_is_updated_and_a_withdrawn_one_removed(subscription, partner_key):
    import_feed(subscription, signed([case_item(1), solution_item(7)], partner_key[0]))
    before = NetworkItem.objects.get(kind="case").pk
    changed = signed([case_item(1, title="Smarta sensorer i skolor", updated="2027-03-10T10:00:00+00:00")],
                     partner_key[0])
    assert import_feed(subscription, changed) == {"added": 0, "updated": 1, "unchanged": 0, "removed": 1}
    case = NetworkItem.objects.get()
    assert (case.pk, case.title) == (before, "Smarta sensorer i skolor")


def test_a_tampered_feed_is_refused_and_nothing_changes(subscription, partner_key):
    import_feed(subscription, signed([case_item(1)], partner_key[0]))
    document = json.loads(signed([case_item(1, title="Ändrad")], partner_key[0]))
    document["payload"]["items"][0]["title"]["sv"] = "Förfalskad"
    with pytest.raises(FeedRefused):
        import_feed(subscription, json.dumps(document).encode())
    assert NetworkItem.objects.get().title == "Smarta sensorer"
    assert subscription.last_error["msgid"] == "The feed's signature is not the partner's."
    assert AuditEvent.objects.filter(verb="network.feed_refused").count() == 1


def test_a_feed_signed_with_another_key_is_refused(subscription):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with pytest.raises(FeedRefused):
        import_feed(subscription, signed([case_item(1)], Ed25519PrivateKey.generate()))
    assert not NetworkItem.objects.exists()


@pytest.mark.parametrize("breakage", [
    lambda item: item.pop("lessons"),
    lambda item: item.update(kind="secret"),
    lambda item: item.update(updated_at="yesterday"),
    lambda item: item["need"].update(en=""),
    lambda item: item.update(url="javascript:alert(1)"),
])
def test_a_malformed_item_refuses_the_whole_feed(subscription, partner_key, breakage):
    broken = case_item(2)
    breakage(broken)
    with pytest.raises(FeedRefused):
        import_feed(subscription, signed([case_item(1), solution_item(7), broken], partner_key[0]))
    assert not NetworkItem.objects.exists()  # the valid items before it are not kept either
    assert subscription.last_error and subscription.last_imported_at is None


def test_a_duplicated_item_or_bad_json_is_refused(subscription, partner_key):
    with pytest.raises(FeedRefused):
        import_feed(subscription, signed([case_item(1), case_item(1)], partner_key[0]))
    with pytest.raises(FeedRefused):
        import_feed(subscription, b"<html>")
    assert not NetworkItem.objects.exists()


def test_only_https_or_loopback_in_tests(settings):
    from innokop.network.services import check_feed_url

    check_feed_url("https://partner.example.fi/feed")
    check_feed_url("http://127.0.0.1:8000/network/feed.json")
    for refused in ("http://partner.example.fi/feed", "ftp://127.0.0.1/feed", "file:///etc/passwd"):
        with pytest.raises(FeedRefused):
            check_feed_url(refused)
    settings.INNOKOP_NETWORK_ALLOW_LOOPBACK_HTTP = False
    with pytest.raises(FeedRefused):
        check_feed_url("http://127.0.0.1:8000/network/feed.json")
