"""A partner body (an organisation of kind "partner") carries its current public key: following its feed sets it when
the partner has none and must use it when it has one; a successor learnt from the feed through key rotation becomes
the partner's key in the import's transaction; the migration fills it for partners followed before; only a partner
body has one, and it is the base64 of 32 bytes."""

import importlib
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.core import clock as clock_module
from innokop.core.models import AuditEvent
from innokop.network import feed, services, signing
from innokop.network.models import PartnerKey, Subscription

from ..factories import OrganisationFactory
from .test_cases_and_pages import _published_case

pytestmark = pytest.mark.django_db

FEED_URL = "https://partner.example.fi/network/feed.json"


def _form(partner, public_key: str) -> dict:
    return {"partner": partner.pk, "feed_url": FEED_URL, "public_key": public_key}


def test_following_a_partner_without_a_key_gives_it_the_key_entered(login, client, partner, partner_key, cpb_manager):
    page = login(cpb_manager).get(reverse("network:subscriptions")).content.decode()
    assert f'id="partner-key-{partner.pk}"' not in page  # not known yet
    assert client.post(reverse("network:subscriptions"), _form(partner, f" {partner_key[1]} ")).status_code == 302
    partner.refresh_from_db()
    assert partner.public_key == partner_key[1] == Subscription.objects.get().public_key
    event = AuditEvent.objects.get(verb="network.partner_public_key_set")
    assert event.actor == cpb_manager and event.organisation == partner
    assert event.payload["key_id"] == signing.key_id(partner_key[1]) and event.payload["previous"] is None
    page = client.get(reverse("network:subscriptions")).content.decode()
    assert f'<code class="innokop-hash" id="partner-key-{partner.pk}">{partner_key[1]}</code>' in page


def test_a_key_that_is_not_the_partners_is_refused_on_the_field(login, partner, partner_key, cpb_manager):
    partner.public_key = partner_key[1]
    partner.save()
    other = signing.public_key_text()
    response = login(cpb_manager).post(reverse("network:subscriptions"), _form(partner, other))
    page = response.content.decode()
    assert response.status_code == 422 and not Subscription.objects.exists()
    assert "Det här är inte den publika nyckeln för Hankinta Oy." in page and 'id="id_public_key-error"' in page
    partner.refresh_from_db()
    assert partner.public_key == partner_key[1]
    with pytest.raises(services.NetworkError) as refused:
        services.subscribe(actor=cpb_manager, partner=partner, feed_url=FEED_URL, public_key=other)
    assert refused.value.code == "public_key_not_partners"

    # The partner's own key is accepted, and the partner's key is not set again.
    assert login(cpb_manager).post(reverse("network:subscriptions"), _form(partner, partner_key[1])).status_code == 302
    assert Subscription.objects.get().public_key == partner_key[1]
    assert not AuditEvent.objects.filter(verb="network.partner_public_key_set").exists()


def test_a_malformed_key_is_refused_on_the_field(login, partner, cpb_manager):
    response = login(cpb_manager).post(reverse("network:subscriptions"), _form(partner, "A" * 43))
    assert response.status_code == 422 and 'id="id_public_key-error"' in response.content.decode()
    partner.refresh_from_db()
    assert partner.public_key == "" and not Subscription.objects.exists()


def test_a_successor_learnt_from_the_feed_becomes_the_partners_key(clock, settings, tmp_path, partner, cpb_manager,
                                                                    agency, agency_procurer):
    """The partner's view of this instance: it follows our feed, and we rotate our key."""
    settings.INNOKOP_NETWORK_KEY_DIR = tmp_path / "keys"
    old = signing.public_key_text()
    subscription = services.subscribe(actor=cpb_manager, partner=partner, feed_url=FEED_URL, public_key=old)
    _published_case(agency, agency_procurer, cpb_manager)

    def body() -> bytes:
        return json.dumps(feed.build("https://innokop.example")).encode()

    assert services.import_feed(subscription, body())["added"] == 1  # learns nothing: the key stays
    partner.refresh_from_db()
    assert partner.public_key == old
    assert AuditEvent.objects.filter(verb="network.partner_public_key_set").count() == 1  # the subscription's

    new = services.signing_key_rotate(actor=cpb_manager)
    clock.set(clock.now() + timedelta(hours=1))
    services.import_feed(subscription, body())
    partner.refresh_from_db()
    assert partner.public_key == new.public_key
    assert PartnerKey.objects.get(public_key=new.public_key).valid_until is None
    event = AuditEvent.objects.filter(verb="network.partner_public_key_set").latest("id")
    assert event.actor is None and event.organisation == partner
    assert event.payload == {"key_id": new.key_id, "previous": signing.key_id(old), "subscription": subscription.pk,
                             "announced_by": signing.key_id(old)}

    # The transition ends: the old key is no longer trusted; the partner's key stays the new one.
    services.signing_key_transition_end(actor=cpb_manager)
    clock.set(clock.now() + timedelta(hours=1))
    services.import_feed(subscription, body())
    partner.refresh_from_db()
    assert partner.public_key == new.public_key == services.newest_trusted_key(subscription, clock.now())
    assert AuditEvent.objects.filter(verb="network.partner_public_key_set").count() == 2


def test_the_migration_gives_followed_partners_their_newest_trusted_key(partner, partner_key, cpb_manager):
    migration = importlib.import_module("innokop.network.migrations.0003_partner_public_keys")
    now = clock_module.now()
    subscription = Subscription.objects.create(partner=partner, feed_url=FEED_URL, public_key=partner_key[1],
                                               created_by=cpb_manager, created_at=now)
    successor, dropped = signing.public_key_text(), "B" * 43 + "="
    for public, until in ((partner_key[1], now + timedelta(days=5)), (successor, None),
                          (dropped, now - timedelta(days=1))):
        PartnerKey.objects.create(subscription=subscription, key_id=signing.key_id(public), public_key=public,
                                  valid_until=until, recorded_at=now)
    keyed = OrganisationFactory(kind=OrganisationKind.PARTNER, org_number="", public_key=partner_key[1])
    Subscription.objects.create(partner=keyed, feed_url="https://other.example/feed.json", public_key=successor,
                                created_by=cpb_manager, created_at=now)
    unfollowed = OrganisationFactory(kind=OrganisationKind.PARTNER, org_number="")

    migration.fill_partner_keys(apps, None)
    values = dict(Organisation.objects.values_list("pk", "public_key"))
    assert values[partner.pk] == successor  # not the dropped key recorded after it
    assert values[keyed.pk] == partner_key[1] and values[unfollowed.pk] == ""


def test_only_a_partner_body_has_a_public_key_and_it_is_32_bytes_of_base64(partner_key):
    partner = OrganisationFactory.build(kind=OrganisationKind.PARTNER, org_number="", public_key=partner_key[1])
    partner.full_clean()
    partner.public_key = "A" * 43
    with pytest.raises(ValidationError) as invalid:
        partner.full_clean()
    assert [error.code for error in invalid.value.error_dict["public_key"]] == ["public_key"]
    agency = OrganisationFactory.build(kind=OrganisationKind.AGENCY, public_key=partner_key[1])
    with pytest.raises(ValidationError) as invalid:
        agency.full_clean()
    assert "__all__" in invalid.value.error_dict
